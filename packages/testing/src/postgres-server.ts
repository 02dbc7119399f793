import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const INSTALL_HINT =
  'install the PostgreSQL server binaries (Debian/Ubuntu: `apt-get install postgresql`), ' +
  'or point SLIPWAY_TEST_PG_BIN at the folder holding initdb and pg_ctl';

export class PostgresUnavailableError extends Error {
  override name = 'PostgresUnavailableError';
}

/** The folder with initdb/pg_ctl: SLIPWAY_TEST_PG_BIN, else the newest /usr/lib/postgresql/<v>/bin. */
export function findPostgresBin(): string {
  const candidates: string[] = [];
  if (process.env.SLIPWAY_TEST_PG_BIN) candidates.push(process.env.SLIPWAY_TEST_PG_BIN);
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => path.join(debianRoot, version, 'bin')));
  }
  const found = candidates.find(
    (dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')),
  );
  if (!found) throw new PostgresUnavailableError(`no PostgreSQL server binaries found: ${INSTALL_HINT}`);
  return found;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Postgres refuses to run as root; as root we run its binaries as the `postgres` user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function run(command: string, args: string[]): Promise<void> {
  const [cmd, argv] = asServerUser(command, args);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${path.basename(command)} exited with ${code}: ${output.trim().slice(-2000)}`)),
    );
  });
}

export interface PostgresServer {
  /** Superuser URL of the `postgres` database. */
  url: string;
  port: number;
  urlFor(database: string): string;
  /**
   * `pg_ctl restart -m fast`: every connection is cut (clients see 57P01
   * admin_shutdown), the server comes back on the same port with the same data.
   */
  restart(): Promise<void>;
  /** `pg_ctl stop -m fast`: the server is down (connections refused) until `resume()`. */
  pause(): Promise<void>;
  /** Starts a paused server again on the same port with the same data and options. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL cluster (initdb + pg_ctl) in a temp dir on a free loopback
 * port, tuned for tests (no fsync). `restart()`/`pause()`/`resume()` break it on purpose (the
 * faults tier); `stop()` removes everything.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-pg-'));
  await chmod(dir, 0o777);
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const port = await freeLoopbackPort();
  const serverOptions = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  const pgCtl = (action: 'start' | 'restart') =>
    run(path.join(bin, 'pg_ctl'), [
      '-D',
      dataDir,
      '-o',
      serverOptions,
      '-l',
      logFile,
      ...(action === 'restart' ? ['-m', 'fast'] : []),
      '-w',
      '-t',
      '60',
      action,
    ]);
  try {
    await run(path.join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    await pgCtl('start');
  } catch (error) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not start PostgreSQL: ${(error as Error).message}\n${log.slice(-2000)}`);
  }
  const urlFor = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  return {
    url: urlFor('postgres'),
    port,
    urlFor,
    restart: () => pgCtl('restart'),
    pause: () => run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']),
    resume: () => pgCtl('start'),
    async stop() {
      await run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(
        () => undefined,
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
}
