// Field reports of 2026-11-30 (issue #10) through the HTTP API: YAML the parser cannot read,
// `when` values of the wrong type, parameters a release type does not ask for, and approval
// gates naming roles that do not exist — each a 400 / valid:false at its line, never a 500.
import { readFileSync } from 'node:fs';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
} from '../../../test/helper.ts';

const fieldReport = (name: string) =>
  readFileSync(
    new URL(`../../../../../packages/pipeline/src/fixtures/field-reports/${name}`, import.meta.url),
    'utf8',
  );
const UNDEFINED_ALIAS = fieldReport('yaml-undefined-alias.yaml');
const WHEN_BOOLEAN = fieldReport('when-boolean-param-vs-string.yaml');
const ALIAS_ERROR = {
  line: 13,
  column: 16,
  path: '',
  message: "unknown anchor 'nope': an alias (*nope) needs an anchor (&nope) above it",
};

const VALID = `releaseTypes:
  full: {}
stages:
  - name: s
    jobs:
      - name: j
        image: alpine:3
        steps:
          - run: echo hi
`;

/** A pipeline whose stage `release` is an approval gate for `role`. */
const gate = (role: string) => `${VALID}  - name: release
    approval: { role: ${role}, count: 1 }
`;

describe.skipIf(postgresSkipReason())('spec checks through the API (field reports 2026-11-30)', () => {
  let t: TestApp;
  let client: SignedInClient;
  const ws = '/api/v1/workspaces/peer';
  const base = `${ws}/projects/p1/pipelines`;

  beforeAll(async () => {
    t = await buildTestApp();
    client = await signIn(t.app);
    await seedWorkspace(client, 'peer', 'p1');
    const created = await client.request({ method: 'POST', url: base, payload: { name: 'ci', spec: VALID } });
    expect(created.statusCode).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const validate = (spec: string) =>
    client.request({ method: 'POST', url: `${base}/validate`, payload: { spec } });
  const create = (name: string, spec: string) =>
    client.request({ method: 'POST', url: base, payload: { name, spec } });
  const update = (spec: string) =>
    client.request({ method: 'PUT', url: `${base}/ci`, payload: { spec, baseRevision: 1 } });

  /** validate says valid:false with `errors`; create and save answer 400 with the same details. */
  async function refusedEverywhere(spec: string, errors: object[]) {
    const validation = await validate(spec);
    expect(validation.statusCode).toBe(200);
    expect(validation.json()).toEqual({ valid: false, errors });
    for (const response of [await create('refused', spec), await update(spec)]) {
      expect(response.statusCode).toBe(400);
      expect(response.json().details).toEqual(errors.map((error) => ({ field: 'body.spec', ...error })));
    }
  }

  it('answers an alias to an unknown anchor with 400 at its line:column, not 500 (yaml-undefined-alias)', async () => {
    await refusedEverywhere(UNDEFINED_ALIAS, [ALIAS_ERROR]);
    // More of the kind: alias bombs and unsupported YAML features are spec errors too.
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdef'
        .split('')
        .map((name, i) => `${name}: &${name} [${Array(10).fill(`*${'abcdef'[i]}`).join(', ')}]`),
    ].join('\n');
    for (const spec of [`${bomb}\n${VALID}`, `x: !!binary aGk=\n${VALID}`, `${VALID}---\n${VALID}`]) {
      const response = await validate(spec);
      expect(response.statusCode).toBe(200);
      expect(response.json().valid).toBe(false);
      expect(response.json().errors[0]).toMatchObject({
        line: expect.any(Number),
        column: expect.any(Number),
      });
    }
  });

  it('refuses a boolean parameter compared with the text "true" at the value (when-boolean-param-vs-string)', async () => {
    await refusedEverywhere(WHEN_BOOLEAN, [
      {
        line: 21,
        column: 17,
        path: 'stages[1].when.parameters.deploy',
        message: `"true" is text and never matches boolean parameter 'deploy': write true or false without quotes`,
      },
    ]);
    const fixed = await validate(WHEN_BOOLEAN.replace('deploy: "true"', 'deploy: true'));
    expect(fixed.json()).toEqual({ valid: true, errors: [] });
  });

  it('reads version-like numbers as written where the spec wants text', async () => {
    // Read as numbers, the default 1.10 was "not text", 0.5 CPU "not a string".
    const spec = `parameters:
  - { name: version, default: 1.10, pattern: '^1\\.10$' }
  - { name: go, type: choice, choices: [1.20, 1.10], default: 1.10 }
releaseTypes:
  full: { parameters: [version, go] }
env: { GOTOOLCHAIN: 1.20 }
stages:
  - name: s
    when: { parameters: { go: 1.10 } }
    jobs:
      - name: j
        image: alpine:3
        resources: { cpu: 0.5 }
        steps:
          - run: echo go
`;
    expect((await validate(spec)).json()).toEqual({ valid: true, errors: [] });
    expect((await create('versions', spec)).statusCode).toBe(201);
  });

  it('flags a ${{ params.x }} that a release type able to run it does not ask for, naming it', async () => {
    const spec = VALID.replace('  full: {}', '  full: {}\n  hotfix: { parameters: [ticket] }').replace(
      'echo hi',
      'echo ${{ params.ticket }}',
    );
    const withParameter = `parameters:\n  - name: ticket\n${spec}`;
    await refusedEverywhere(withParameter, [
      {
        line: 12,
        column: 23,
        path: 'stages[0].jobs[0].steps[0].run',
        message:
          "release type 'full' runs this job but does not ask for parameter 'ticket': add it to its parameters, or limit the job with when.releaseType",
      },
    ]);
    const limited = withParameter.replace(
      '  - name: s\n',
      '  - name: s\n    when: { releaseType: [hotfix] }\n',
    );
    expect((await validate(limited)).json()).toEqual({ valid: true, errors: [] });
  });

  it('refuses an approval gate naming a role that does not exist; built-in and custom roles are fine', async () => {
    await refusedEverywhere(gate('release-managers'), [
      {
        line: 11,
        column: 23,
        path: 'stages[1].approval.role',
        message: expect.stringMatching(/^unknown role 'release-managers'; a gate names one of: .*operator/),
      },
    ]);
    expect((await validate(gate('operator'))).json()).toEqual({ valid: true, errors: [] });
    const role = await client.request({
      method: 'POST',
      url: `${ws}/roles`,
      payload: {
        name: 'release-managers',
        scope: 'project',
        permissions: ['project.read', 'approval.decide'],
      },
    });
    expect(role.statusCode).toBe(201);
    expect((await validate(gate('release-managers'))).json()).toEqual({ valid: true, errors: [] });
    const misspelt = (await validate(gate('release-manager'))).json();
    expect(misspelt.errors[0].message).toMatch(/did you mean 'release-managers'\?/);
  });

  it('answers templates and pipelines using them with the same errors (yaml-undefined-alias)', async () => {
    const templates = `${ws}/pipeline-templates`;
    const created = await client.request({
      method: 'POST',
      url: templates,
      payload: { name: 'broken', spec: UNDEFINED_ALIAS },
    });
    expect(created.statusCode).toBe(400);
    expect(created.json().details).toEqual([{ field: 'body.spec', ...ALIAS_ERROR }]);

    const good = await client.request({
      method: 'POST',
      url: templates,
      payload: { name: 'shared', spec: `inputs:\n  - { name: image, default: alpine:3 }\n${VALID}` },
    });
    expect(good.statusCode).toBe(201);
    const published = await client.request({
      method: 'POST',
      url: `${templates}/shared/versions`,
      payload: { spec: UNDEFINED_ALIAS },
    });
    expect(published.statusCode).toBe(400);
    expect(published.json().details).toEqual([{ field: 'body.spec', ...ALIAS_ERROR }]);

    const using = await validate('uses: shared@1\nwith: { image: *nope }\n');
    expect(using.json()).toEqual({
      valid: false,
      errors: [{ ...ALIAS_ERROR, line: 2, column: 16 }],
    });
  });

  it('imports a project whose workspace template was stored broken: the project is created, the starter refused', async () => {
    const importProject = (slug: string) =>
      client.request({
        method: 'POST',
        url: `${ws}/projects`,
        payload: { slug, name: slug, starterPipeline: 'static' },
      });
    expect((await importProject('site-one')).json().starter).toMatchObject({ pipeline: 'ci' });
    // As if saved before the parser refused it: publishing such a version is refused now.
    await t.db.prisma.pipelineTemplateVersion.updateMany({
      where: { template: { name: 'static-site' } },
      data: { spec: UNDEFINED_ALIAS },
    });
    const second = await importProject('site-two');
    expect(second.statusCode).toBe(201);
    expect(second.json().starter).toMatchObject({
      pipeline: null,
      reason: expect.stringMatching(
        /^ci was refused: template static-site@1 is not valid: unknown anchor 'nope'/,
      ),
    });
  });
});
