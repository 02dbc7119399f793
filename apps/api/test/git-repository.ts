import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A throwaway git repository on disk, for tests that check out source. */
export interface TestRepository {
  dir: string;
  /** Runs git in the repository as a fixed author; resolves to its trimmed output. */
  git(...args: string[]): Promise<string>;
  /** Writes `file` with `text` and commits it; resolves to the new commit's id. */
  commit(file: string, text: string, message: string): Promise<string>;
  remove(): Promise<void>;
}

/** Creates an empty repository whose first branch is `main`. */
export async function createTestRepository(): Promise<TestRepository> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-repo-test-'));
  const git = async (...args: string[]) => {
    const { stdout } = await exec('git', args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@t',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@t',
      },
    });
    return stdout.trim();
  };
  await git('init', '--quiet', '--initial-branch=main');
  const commit = async (file: string, text: string, message: string) => {
    await writeFile(path.join(dir, file), text);
    await git('add', '.');
    await git('commit', '--quiet', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  return { dir, git, commit, remove: () => rm(dir, { recursive: true, force: true }) };
}
