// Helm for the chart tests: built from its Go module by packages/test-cluster/build-helm.sh
// (cached in ~/.cache/slipway/helm/<version>/bin), run as a child process.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BUILD_SCRIPT = fileURLToPath(new URL('../../../packages/test-cluster/build-helm.sh', import.meta.url));
/** The chart under test. */
export const CHART = fileURLToPath(new URL('../', import.meta.url));

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; echo?: boolean } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // The first build takes minutes: show its progress as it happens.
      if (options.echo) process.stderr.write(chunk);
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The path of the helm binary, built first when it is not cached (minutes, once). Returns
 * `{ skip }` instead when Go is missing outside CI; with `CI=true` a failed build throws.
 */
export async function ensureHelm(): Promise<{ helm: string } | { skip: string }> {
  const build = await run('bash', [BUILD_SCRIPT], { echo: true });
  const helm = build.stdout
    .trim()
    .split('\n')
    .at(-1)
    ?.match(/^HELM=(.+)$/)?.[1];
  if (build.code === 0 && helm) return { helm };
  const reason = `helm could not be built (build-helm.sh exited ${build.code}): ${build.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  if (process.env.CI === 'true' || !/go is not installed/.test(build.stderr)) throw new Error(reason);
  return { skip: reason };
}

/** Runs helm commands against one kubeconfig, with Helm's own config/cache/data in a temporary directory. */
export function helmRunner(helm: string, kubeconfigFile: string) {
  const home = mkdtempSync(path.join(tmpdir(), 'slipway-helm-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KUBECONFIG: kubeconfigFile,
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_DATA_HOME: path.join(home, 'data'),
  };
  return (...args: string[]): Promise<CommandResult> => run(helm, args, { env });
}
