import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
} from '../../../test/helper.ts';

const V1 = `# shared Node service pipeline
inputs:
  - name: node
    default: 22
stages:
  - name: test
    jobs:
      - name: unit
        image: node:\${{ inputs.node }}
        steps:
          - run: npm ci && npm test
`;
const V2 = V1.replace('npm ci && npm test', 'npm ci && npm test && npm run lint');

describe.skipIf(postgresSkipReason())('pipeline templates', () => {
  let t: TestApp;
  let client: SignedInClient;
  const templates = '/api/v1/workspaces/shop/pipeline-templates';
  const pipelines = '/api/v1/workspaces/shop/projects/web/pipelines';

  beforeAll(async () => {
    t = await buildTestApp();
    client = await signIn(t.app);
    await seedWorkspace(client, 'shop', 'web');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('publishes versions; a short pipeline pins one and is expanded from it', async () => {
    const created = await client.request({
      method: 'POST',
      url: templates,
      payload: { name: 'node-service', spec: V1 },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ latestVersion: 1, inputs: [{ name: 'node', default: 22 }] });

    const short = 'uses: node-service@1   # the shared library\nwith:\n  node: 24\n';
    const pipeline = await client.request({
      method: 'POST',
      url: pipelines,
      payload: { name: 'ci', spec: short },
    });
    expect(pipeline.statusCode).toBe(201);
    expect(pipeline.json()).toMatchObject({ spec: short, template: { name: 'node-service', version: 1 } });
    expect(pipeline.json().expanded).toContain('image: node:24');

    // Publishing v2 changes no existing pipeline until it moves to the new version.
    const v2 = await client.request({
      method: 'POST',
      url: `${templates}/node-service/versions`,
      payload: { spec: V2 },
    });
    expect(v2.json()).toMatchObject({ number: 2 });
    const still = (await client.request({ method: 'GET', url: `${pipelines}/ci` })).json();
    expect(still.expanded).not.toContain('npm run lint');
    const moved = await client.request({
      method: 'PUT',
      url: `${pipelines}/ci`,
      payload: { spec: short.replace('@1', '@2'), baseRevision: 1 },
    });
    expect(moved.json().expanded).toContain('npm run lint');

    await client.request({
      method: 'POST',
      url: pipelines,
      payload: { name: 'nightly', spec: 'uses: node-service@1\n' },
    });
    const template = (await client.request({ method: 'GET', url: `${templates}/node-service` })).json();
    expect(template.versions.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    expect(template.usages).toEqual([
      { project: 'web', pipeline: 'ci', version: 2 },
      { project: 'web', pipeline: 'nightly', version: 1 },
    ]);
    expect(
      (await client.request({ method: 'GET', url: `${templates}/node-service/versions/1` })).json().spec,
    ).toBe(V1);
  });

  it('refuses unknown templates, versions and inputs at their line', async () => {
    const unknown = await client.request({
      method: 'POST',
      url: pipelines,
      payload: { name: 'x', spec: 'uses: nope@1\n' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details[0]).toMatchObject({
      line: 1,
      message: 'no pipeline template nope with version 1 in this workspace',
    });
    const badInput = await client.request({
      method: 'POST',
      url: pipelines,
      payload: { name: 'y', spec: 'uses: node-service@1\nwith:\n  nodejs: 24\n' },
    });
    expect(badInput.json().details[0]).toMatchObject({
      line: 3,
      column: 3,
      message: "template has no input 'nodejs' — did you mean 'node'?",
    });
    const badTemplate = await client.request({
      method: 'POST',
      url: templates,
      payload: { name: 'broken', spec: V1.replace('inputs.node', 'inputs.nod') },
    });
    expect(badTemplate.statusCode).toBe(400);
    expect(badTemplate.json().message).toMatch(/unknown input 'nod'/);
  });
});
