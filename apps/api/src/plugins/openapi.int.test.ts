// The OpenAPI document as clients and the fuzz tier read it (#17): every status an operation
// answers is declared, query parameters are real parameters, and links lead from created or
// listed objects to the operations on them.
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/helper.ts';

interface Operation {
  operationId?: string;
  parameters?: Array<{ in: string; name: string }>;
  responses: Record<
    string,
    { links?: Record<string, { operationId: string; parameters: Record<string, string> }> }
  >;
}
type Paths = Record<string, Record<string, Operation>>;

describe.skipIf(postgresSkipReason())('the OpenAPI document', () => {
  let t: TestApp;
  let paths: Paths;
  beforeAll(async () => {
    t = await buildTestApp();
    paths = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json().paths;
  });
  afterAll(() => t?.close());

  const operations = () =>
    Object.entries(paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        name: `${method.toUpperCase()} ${path}`,
        operation,
      })),
    );

  it('declares a success and the 4XX/5XX error ranges on every operation (streams and hand-written routes too)', () => {
    const incomplete = operations()
      .filter(({ operation }) => {
        const statuses = Object.keys(operation.responses).map((status) => status.toUpperCase());
        return (
          !statuses.some((status) => /^[23]/.test(status)) ||
          !statuses.includes('4XX') ||
          !statuses.includes('5XX')
        );
      })
      .map(({ name, operation }) => `${name}: ${Object.keys(operation.responses).join(', ')}`);
    expect(incomplete).toEqual([]);
  });

  it('documents the OIDC routes as redirects, and the callback query as the parameters a provider sends', () => {
    const login = paths['/api/v1/auth/oidc/login']?.get;
    const callback = paths['/api/v1/auth/oidc/callback']?.get;
    expect(Object.keys(login?.responses ?? {})).toEqual(expect.arrayContaining(['302', '4XX', '5XX']));
    expect(Object.keys(callback?.responses ?? {})).toEqual(expect.arrayContaining(['302', '4XX', '5XX']));
    expect(callback?.parameters?.map((parameter) => `${parameter.in}.${parameter.name}`).sort()).toEqual([
      'query.code',
      'query.error',
      'query.error_description',
      'query.iss',
      'query.state',
    ]);
  });

  it('links a created workspace to its projects, a project to its pipelines and a pipeline to its runs', () => {
    const createWorkspace = paths['/api/v1/workspaces']?.post?.responses['201']?.links;
    expect(createWorkspace?.createProject).toEqual({
      operationId: 'createProject',
      parameters: { 'path.workspace': '$response.body#/slug' },
    });
    const createProject = paths['/api/v1/workspaces/{workspace}/projects']?.post?.responses['201']?.links;
    expect(createProject?.createPipeline?.parameters).toEqual({
      'path.project': '$response.body#/slug',
      'path.workspace': '$request.path.workspace',
    });
    const runs = '/api/v1/workspaces/{workspace}/projects/{project}/pipelines/{pipeline}/runs';
    expect(paths[runs]?.post?.responses['201']?.links?.getRun?.parameters).toEqual({
      'path.number': '$response.body#/number',
      'path.workspace': '$request.path.workspace',
      'path.project': '$request.path.project',
      'path.pipeline': '$request.path.pipeline',
    });
    const listProjects = paths['/api/v1/workspaces/{workspace}/projects']?.get?.responses['200']?.links;
    expect(listProjects?.getProject?.parameters['path.project']).toBe('$response.body#/items/0/slug');
  });

  it("links a run to its first job's step log, a webhook to its receiver and a created user to the user", () => {
    const runs = '/api/v1/workspaces/{workspace}/projects/{project}/pipelines/{pipeline}/runs';
    const fromRun = `$request.path`;
    expect(paths[`${runs}/{number}`]?.get?.responses['200']?.links?.getStepLog?.parameters).toEqual({
      'path.workspace': `${fromRun}.workspace`,
      'path.project': `${fromRun}.project`,
      'path.pipeline': `${fromRun}.pipeline`,
      'path.number': `${fromRun}.number`,
      'path.job': '$response.body#/jobs/0/name',
      'path.step': '$response.body#/jobs/0/steps/0/name',
    });
    expect(paths[runs]?.post?.responses['201']?.links?.getStepLog?.parameters?.['path.number']).toBe(
      '$response.body#/number',
    );
    const webhooks = '/api/v1/workspaces/{workspace}/projects/{project}/webhooks';
    expect(paths[webhooks]?.post?.responses['201']?.links?.receiveWebhook?.parameters).toEqual({
      'path.id': '$response.body#/id',
    });
    expect(paths[webhooks]?.get?.responses['200']?.links?.receiveWebhook?.parameters).toEqual({
      'path.id': '$response.body#/items/0/id',
    });
    expect(paths['/api/v1/users']?.post?.responses['201']?.links?.deleteUser?.parameters).toEqual({
      'path.username': '$response.body#/user/username',
    });
  });

  it('links only to operations that exist, with parameters each target has', () => {
    const byId = new Map(operations().map(({ operation }) => [operation.operationId, operation]));
    const broken = operations().flatMap(({ name, operation }) =>
      Object.values(operation.responses).flatMap((response) =>
        Object.values(response.links ?? {}).flatMap((link) => {
          const target = byId.get(link.operationId);
          const names = new Set(target?.parameters?.map((parameter) => `${parameter.in}.${parameter.name}`));
          return Object.keys(link.parameters)
            .filter((parameter) => !names.has(parameter))
            .map((parameter) => `${name} → ${link.operationId}: ${parameter}`);
        }),
      ),
    );
    expect(broken).toEqual([]);
  });
});
