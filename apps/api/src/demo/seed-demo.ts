import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PrismaClient } from '@slipway/db';
import type { SlipwayServices } from '../app.ts';
import { INSTALL_ROOT } from '../install-root.ts';
import type { Actor } from '../lib/actor.ts';

const run = promisify(execFile);
export const DEMO_SOURCE = path.join(INSTALL_ROOT, 'examples/hello/');
export const DEMO = { workspace: 'demo', environment: 'local', project: 'hello', pipeline: 'ci' } as const;

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** A git repository of the sample app in the data directory (bare, branch main). */
async function createDemoRepository(dataDir: string): Promise<string> {
  const bare = path.join(dataDir, 'demo', 'hello.git');
  if (await exists(bare)) return bare;
  const work = await mkdtemp(path.join(os.tmpdir(), 'slipway-demo-'));
  try {
    await cp(DEMO_SOURCE, work, { recursive: true });
    const git = (...args: string[]) =>
      run('git', args, {
        cwd: work,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'Slipway',
          GIT_AUTHOR_EMAIL: 'demo@slipway.invalid',
          GIT_COMMITTER_NAME: 'Slipway',
          GIT_COMMITTER_EMAIL: 'demo@slipway.invalid',
        },
      });
    await git('init', '--quiet', '--initial-branch=main');
    await git('add', '.');
    await git('commit', '--quiet', '-m', 'The sample app');
    await git('clone', '--quiet', '--bare', work, bare);
    return bare;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The demo a newcomer finds on the first start: workspace `demo`, environment `local` (no
 * cluster: the local executor), project `hello` (the sample app in examples/hello as a git
 * repository) and pipeline `ci`. Seeded once, on an empty database, as the first admin.
 */
export async function seedDemo(deps: {
  prisma: PrismaClient;
  services: SlipwayServices;
  dataDir: string;
  log: (message: string) => void;
}): Promise<boolean> {
  const { prisma, services } = deps;
  // A fresh installation: nothing but the first admin yet.
  if ((await prisma.workspace.count()) > 0 || (await prisma.user.count()) !== 1) return false;
  const admin = await prisma.user.findFirst({
    where: { platformAdmin: true },
    orderBy: { createdAt: 'asc' },
  });
  if (!admin) return false;
  const actor: Actor = {
    userId: admin.id,
    username: admin.username,
    platformAdmin: true,
    via: 'session',
    ipAddress: '127.0.0.1',
  };
  let repoUrl: string | undefined;
  try {
    repoUrl = await createDemoRepository(deps.dataDir);
  } catch (error) {
    deps.log(`demo: no git repository for the sample app (is git installed?): ${(error as Error).message}`);
  }
  await services.workspaces.create(actor, {
    slug: DEMO.workspace,
    name: 'Demo',
    description: 'A sample project whose pipeline runs on this server (the local executor)',
  });
  await services.environments.create(actor, DEMO.workspace, { name: DEMO.environment });
  const project = await services.projects.create(actor, DEMO.workspace, {
    slug: DEMO.project,
    name: 'hello',
    description: 'The sample app in examples/hello',
  });
  // The server's own repository, set directly: local paths are refused from users unless
  // SLIPWAY_ALLOW_LOCAL_REPOS is set, but this one the server created itself.
  if (repoUrl)
    await prisma.project.update({ where: { id: project.id }, data: { repoUrl, defaultBranch: 'main' } });
  await services.pipelines.create(actor, DEMO.workspace, DEMO.project, {
    name: DEMO.pipeline,
    spec: await readFile(path.join(DEMO_SOURCE, 'ci.yaml'), 'utf8'),
    message: 'The demo pipeline',
  });
  deps.log(
    `demo: seeded workspace "${DEMO.workspace}" with project "${DEMO.project}" and pipeline "${DEMO.pipeline}"`,
  );
  return true;
}
