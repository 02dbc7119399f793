// The platform image under test: built (or reused) with docker/build-image.sh and run with
// docker/run-image.sh (buildah run, chroot isolation, host network, read-only root, uid 1000).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Whether buildah is on PATH (the image tier is skipped without it, outside CI only). */
export function buildahInstalled(): boolean {
  return spawnSync('sh', ['-c', 'command -v buildah'], { stdio: 'ignore' }).status === 0;
}

/**
 * Builds the image with `docker/build-image.sh` (which installs buildah and makes the local base
 * image when missing, and reuses an image built from the same sources) and returns its name.
 * Throws with the script's output when the build fails.
 */
export function buildImage(): string {
  const result = spawnSync('bash', ['docker/build-image.sh'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const name = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.status !== 0 || !name) {
    throw new Error(`docker/build-image.sh failed (${result.status}):\n${result.stderr.slice(-8000)}`);
  }
  return name;
}

/** One run of the image's entrypoint. */
export interface ImageProcess {
  /** docker/run-image.sh (it forwards SIGTERM/SIGINT to the entrypoint). */
  child: ChildProcess;
  /** Everything the run printed so far (the server's stdout and stderr, buildah's messages). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The host pid of the entrypoint's first process (tini), once it runs. */
  entrypointPid(timeoutMs?: number): Promise<number>;
  /** Resolves when `GET <baseUrl>/readyz` answers 200; rejects if the run exits first. */
  waitUntilReady(baseUrl: string, timeoutMs?: number): Promise<void>;
}

/** How to run the image: its environment (NAME → value) and what replaces its defaults. */
export interface ImageRunOptions {
  env: Record<string, string>;
  /** Host directory mounted at the image's SLIPWAY_DATA_DIR (default: a temporary one). */
  dataDir?: string;
  /** Replaces the entrypoint, as a pod's `command` does (e.g. the migration command). */
  command?: string[];
}

/** Runs `image` (its entrypoint, or `options.command`) through docker/run-image.sh. */
export function startImageProcess(image: string, options: ImageRunOptions): ImageProcess {
  const args = ['docker/run-image.sh'];
  for (const [name, value] of Object.entries(options.env)) args.push('-e', `${name}=${value}`);
  if (options.dataDir) args.push('--data', options.dataDir);
  args.push(image, ...(options.command ?? []));
  const child = spawn('bash', args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const until = async <T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the image exited before ${what}:\n${output}`);
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`no ${what} after ${timeoutMs} ms:\n${output}`);
  };
  return {
    child,
    output: () => output,
    exited,
    entrypointPid: (timeoutMs = 180_000) =>
      until('entrypoint pid', timeoutMs, async () => {
        const pid = output.match(/\[image\] entrypoint pid (\d+)/)?.[1];
        return pid ? Number(pid) : undefined;
      }),
    waitUntilReady: (baseUrl, timeoutMs = 180_000) =>
      until('/readyz 200', timeoutMs, async () => {
        const response = await fetch(`${baseUrl}/readyz`).catch(() => undefined);
        return response?.status === 200 ? true : undefined;
      }).then(() => undefined),
  };
}

/** A process's real, effective, saved and filesystem uids and gids, from /proc/<pid>/status. */
export function processIds(pid: number): { uid: number[]; gid: number[] } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const ids = (field: string) =>
    (status.match(new RegExp(`^${field}:\\s+(.*)$`, 'm'))?.[1] ?? '').trim().split(/\s+/).map(Number);
  return { uid: ids('Uid'), gid: ids('Gid') };
}

/** The children of a process (pids), from /proc/<pid>/task/<pid>/children. */
export function childPids(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text ? text.split(/\s+/).map(Number) : [];
}

/** The mount options of the mount at `mountPoint` as a process sees it (/proc/<pid>/mountinfo). */
export function mountOptions(pid: number, mountPoint: string): string[] | undefined {
  const lines = readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n');
  // Fields: id, parent, major:minor, root, mount point, mount options, … (the last one wins).
  const line = lines.filter((entry) => entry.split(' ')[4] === mountPoint).at(-1);
  return line?.split(' ')[5]?.split(',');
}
