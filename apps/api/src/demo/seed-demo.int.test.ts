import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Project } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signIn, type TestApp } from '../../test/helper.ts';
import { DEMO, seedDemo } from './seed-demo.ts';

const PROJECT = `/api/v1/workspaces/${DEMO.workspace}/projects/${DEMO.project}`;

// Field report (console, item 16): saving any field of the seeded demo project was refused,
// because its repository is a local path and SLIPWAY_ALLOW_LOCAL_REPOS is off by default.
describe.skipIf(postgresSkipReason())('the seeded demo project', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let dataDir: string;
  let demo: Project;

  beforeAll(async () => {
    // As the embedded default starts: local repositories not allowed, a fresh database.
    t = await buildTestApp({ allowLocalRepos: false });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-demo-data-'));
    const seeded = await seedDemo({ prisma: t.db.prisma, services: t.services, dataDir, log: () => {} });
    expect(seeded).toBe(true);
    admin = await signIn(t.app);
    demo = (await admin.request({ method: 'GET', url: PROJECT })).json() as Project;
  });
  afterAll(async () => {
    await t?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('has the server-made repository on its own disk', () => {
    expect(demo.repoUrl).toBe(path.join(dataDir, 'demo', 'hello.git'));
  });

  it('can be edited: name, description and default branch, with or without the repository it has', async () => {
    const asTheFormSendsIt = await admin.request({
      method: 'PATCH',
      url: PROJECT,
      payload: {
        name: 'Hello, edited',
        description: 'Changed by a newcomer',
        repoUrl: demo.repoUrl,
        defaultBranch: 'develop',
        gitCredential: null,
      },
    });
    expect(asTheFormSendsIt.statusCode, asTheFormSendsIt.body).toBe(200);
    expect(asTheFormSendsIt.json()).toMatchObject({
      name: 'Hello, edited',
      description: 'Changed by a newcomer',
      defaultBranch: 'develop',
      repoUrl: demo.repoUrl,
    });
    const oneField = await admin.request({
      method: 'PATCH',
      url: PROJECT,
      payload: { defaultBranch: 'main' },
    });
    expect(oneField.statusCode, oneField.body).toBe(200);
    expect(oneField.json()).toMatchObject({ defaultBranch: 'main', repoUrl: demo.repoUrl });
  });

  it('still refuses a new local repository, on another project or as a change of this one', async () => {
    const created = await admin.request({
      method: 'POST',
      url: `/api/v1/workspaces/${DEMO.workspace}/projects`,
      payload: { slug: 'sneaky', name: 'Sneaky', repoUrl: demo.repoUrl },
    });
    expect(created.statusCode).toBe(400);
    expect(created.json().details).toEqual([expect.objectContaining({ field: 'body.repoUrl' })]);
    for (const repoUrl of ['/etc', `file://${demo.repoUrl}`]) {
      const changed = await admin.request({ method: 'PATCH', url: PROJECT, payload: { repoUrl } });
      expect(changed.statusCode, repoUrl).toBe(400);
      expect(changed.json().details).toEqual([expect.objectContaining({ field: 'body.repoUrl' })]);
    }
    const kept = (await admin.request({ method: 'GET', url: PROJECT })).json() as Project;
    expect(kept.repoUrl).toBe(demo.repoUrl);
  });
});
