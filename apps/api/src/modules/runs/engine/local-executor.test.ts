import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalExecutor } from './local-executor.ts';

describe('the local executor observing a job that ends', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('reports a job whose runner wrote its last exit code and ended during the observation as succeeded, not lost', async () => {
    const workDir = await mkdtemp(path.join(tmpdir(), 'slipway-local-'));
    dirs.push(workDir);
    const job = { externalName: 'slw-1-build-compile-a1', namespace: '' };
    const jobDir = path.join(workDir, job.externalName);
    await mkdir(jobDir, { recursive: true });
    await writeFile(path.join(jobDir, 'pgid'), '4242');
    await writeFile(path.join(jobDir, 'step-0.started'), '');
    // The runner finishes its step and ends exactly when its liveness is looked at: an
    // observation that read the step files before that saw the step running and then a
    // runner gone, "the local runner stopped without finishing".
    let ended = false;
    const executor = createLocalExecutor({
      workDir,
      isRunnerAlive: () => {
        if (!ended) {
          ended = true;
          writeFileSync(path.join(jobDir, 'step-0.exit'), '0\n');
        }
        return false;
      },
    });
    const observed = await executor.observe(job, 1);
    expect(observed).toMatchObject({ state: 'succeeded', steps: [{ status: 'succeeded', exitCode: 0 }] });
  });
});
