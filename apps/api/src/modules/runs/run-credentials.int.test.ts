import type { Run } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  TEST_SECRET_KEY,
  type TestApp,
} from '../../../test/helper.ts';
import { createSecretBox } from '../../lib/secret-box.ts';

const PIPELINES = '/api/v1/workspaces/vault/projects/app/pipelines';
const SPEC = `stages:
  - name: deploy
    jobs:
      - name: push
        image: alpine:3.22
        credentials: [deploy-token]
        steps:
          - name: use
            run: echo "as $SLIPWAY_CREDENTIAL_DEPLOY_TOKEN_USERNAME with $SLIPWAY_CREDENTIAL_DEPLOY_TOKEN_SECRET"
`;

describe.skipIf(postgresSkipReason())('credentials in runs', () => {
  let t: TestApp;
  let admin: SignedInClient;

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'vault', 'app');
    await admin.request({
      method: 'POST',
      url: '/api/v1/workspaces/vault/environments',
      payload: { name: 'dev' },
    });
    const created = await admin.request({
      method: 'POST',
      url: PIPELINES,
      payload: { name: 'ship', spec: SPEC },
    });
    expect(created.statusCode, created.body).toBe(201);
    t.engine.start();
  });
  afterAll(async () => {
    await t?.close();
  });

  const start = () =>
    admin.request({
      method: 'POST',
      url: `${PIPELINES}/ship/runs`,
      payload: { releaseType: 'default', environment: 'dev' },
    });

  it('refuses a run whose credentials do not exist, naming them', async () => {
    const refused = await start();
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      details: [{ field: 'spec.credentials', message: 'no credential "deploy-token" in this workspace' }],
    });
  });

  it('gives the job its credentials as environment variables and masks the secret in the log', async () => {
    const workspace = await t.db.prisma.workspace.findUniqueOrThrow({ where: { slug: 'vault' } });
    await t.db.prisma.credential.create({
      data: {
        workspaceId: workspace.id,
        name: 'deploy-token',
        type: 'token',
        username: 'deployer',
        secretEncrypted: createSecretBox(TEST_SECRET_KEY).encrypt('tok-3f9a-very-secret'),
        createdByName: 'admin',
      },
    });
    const created = await start();
    expect(created.statusCode, created.body).toBe(201);
    const number = (created.json() as Run).number;
    let lines: string[] = [];
    for (let i = 0; i < 200 && lines.length === 0; i++) {
      const page = (
        await admin.request({
          method: 'GET',
          url: `${PIPELINES}/ship/runs/${number}/jobs/push/steps/use/log`,
        })
      ).json() as { lines: { text: string }[]; complete: boolean };
      if (page.complete) lines = page.lines.map((l) => l.text);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(lines).toContain('as deployer with ***');
    const chunks = await t.db.prisma.logChunk.findMany();
    expect(chunks.some((c) => c.content.includes('tok-3f9a'))).toBe(false);
  });
});
