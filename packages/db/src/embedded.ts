import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  connectionString: string;
  dataDir: string;
  stop(): Promise<void>;
}

export class DataDirectoryInUseError extends Error {
  override name = 'DataDirectoryInUseError';
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is single-process: two servers on one data directory would corrupt it. A pid
 * file guards the directory; a stale one (its process is gone, e.g. after kill -9) is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dataDir, 'slipway.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner !== process.pid && processIsAlive(owner)) {
        throw new DataDirectoryInUseError(
          `the embedded database in ${dataDir} is in use by process ${owner}; stop it or set SLIPWAY_DATA_DIR`,
        );
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new DataDirectoryInUseError(`could not lock ${dataDir}`);
}

/**
 * Starts PGlite (Postgres compiled to WebAssembly) on `dataDir` and exposes it on a
 * loopback port, so the rest of Slipway talks to it exactly as to a real Postgres.
 * PGlite serves one connection at a time: clients must use a pool of one.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const absolute = path.resolve(dataDir);
  await mkdir(absolute, { recursive: true });
  const unlock = await lockDataDir(absolute);
  try {
    const db = await PGlite.create({ dataDir: path.join(absolute, 'pgdata') });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 2 });
    await server.start();
    const connectionString = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
    return {
      connectionString,
      dataDir: absolute,
      async stop() {
        await server.stop();
        await db.close();
        await unlock();
      },
    };
  } catch (error) {
    await unlock();
    throw error;
  }
}
