import { type ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const API_DIR = fileURLToPath(new URL('../../../apps/api/', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitUntilReady(timeoutMs?: number): Promise<void>;
  /** SIGTERM and wait; resolves with the exit code and how long it took. */
  stop(): Promise<{ code: number | null; elapsedMs: number }>;
}

/** How to start the server: from source through tsx (as `./run start` does), or a production build. */
export interface ServerProcessOptions {
  /**
   * The built server to run with plain `node` (e.g. `<assembled dir>/apps/api/dist/server.js`,
   * see scripts/assemble.sh); its own directory is the working directory. Default: the sources.
   */
  builtServer?: string;
}

/**
 * Runs the real API server as a child process with only the given env (the sources unless
 * `options.builtServer`). The metrics listener is off (`SLIPWAY_METRICS_PORT=0`) unless the
 * env sets a port: tests run many servers at once, and the default port 9464 would collide.
 */
export function startServerProcess(
  env: Record<string, string> & { PORT: string },
  options: ServerProcessOptions = {},
): ServerProcess {
  const args = options.builtServer ? [options.builtServer] : ['--import', 'tsx', 'src/server.ts'];
  const child = spawn(process.execPath, args, {
    cwd: options.builtServer ? path.dirname(options.builtServer) : API_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: os.tmpdir(),
      SLIPWAY_LOG_LEVEL: 'info',
      SLIPWAY_METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = Number(env.PORT);
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    child,
    port,
    baseUrl,
    output: () => output,
    exited,
    async waitUntilReady(timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
        try {
          if ((await fetch(`${baseUrl}/readyz`)).status === 200) return;
        } catch {
          // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`server not ready after ${timeoutMs} ms:\n${output}`);
    },
    async stop() {
      const started = Date.now();
      if (child.exitCode === null) child.kill('SIGTERM');
      const { code } = await exited;
      return { code, elapsedMs: Date.now() - started };
    },
  };
}
