// A real S3-compatible object store for tests: SeaweedFS's `weed server` with its S3 gateway,
// on loopback ports of its own, in a temp dir, with one access key. The binary is built from
// its Go module by packages/test-cluster/build-seaweedfs.sh (cached in ~/.cache/slipway).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from './postgres-server.ts';

const BUILD_SCRIPT = fileURLToPath(new URL('../../test-cluster/build-seaweedfs.sh', import.meta.url));

export interface S3Server {
  /** `http://127.0.0.1:<port>` of the S3 gateway. */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/**
 * The `weed` binary: built by build-seaweedfs.sh when missing (the first time takes many
 * minutes). Returns the reason when it cannot be had; with `CI=true` that throws instead, so CI
 * never skips the S3 tests silently.
 */
export async function findWeed(): Promise<{ weed: string } | { skip: string }> {
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    child.once('error', (error) => resolve({ code: -1, stdout, stderr: error.message }));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
  const weed = result.stdout
    .trim()
    .split('\n')
    .at(-1)
    ?.match(/^WEED=(.+)$/)?.[1];
  if (result.code === 0 && weed) return { weed };
  const reason = `SeaweedFS could not be built (build-seaweedfs.sh exited ${result.code}): ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  if (process.env.CI === 'true') throw new Error(reason);
  return { skip: reason };
}

/** Starts `weed server -s3` on free loopback ports in a temp dir; `stop()` ends it and removes the dir. */
export async function startS3Server(weed: string): Promise<S3Server> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-s3-'));
  const accessKeyId = 'slipway-test';
  const secretAccessKey = `secret-${process.pid}-${Date.now()}`;
  const config = path.join(dir, 's3.json');
  await writeFile(
    config,
    JSON.stringify({
      identities: [
        {
          name: 'slipway',
          credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }],
          actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
        },
      ],
    }),
  );
  const ports: number[] = [];
  while (ports.length < 8) {
    const port = await freeLoopbackPort();
    if (!ports.includes(port)) ports.push(port);
  }
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = ports as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const data = path.join(dir, 'data');
  await writeFile(path.join(dir, '.keep'), '');
  const child = spawn(
    weed,
    [
      'server',
      `-dir=${dir}`,
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      `-master.port=${master}`,
      `-master.port.grpc=${masterGrpc}`,
      '-master.volumeSizeLimitMB=64',
      `-volume.port=${volume}`,
      `-volume.port.grpc=${volumeGrpc}`,
      '-volume.max=8',
      '-filer',
      `-filer.port=${filer}`,
      `-filer.port.grpc=${filerGrpc}`,
      '-s3',
      `-s3.port=${s3}`,
      `-s3.port.grpc=${s3Grpc}`,
      '-s3.port.iceberg=0',
      '-s3.port.lance=0',
      `-s3.config=${config}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, env: { ...process.env, HOME: dir } },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const endpoint = `http://127.0.0.1:${s3}`;
  // Ready when the gateway answers and a volume can take writes (the master has a volume server).
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`weed server exited with ${child.exitCode}: ${output.slice(-2000)}`);
    }
    const s3Up = await fetch(endpoint).then(
      (response) => response.status > 0,
      () => false,
    );
    const volumes = await fetch(`http://127.0.0.1:${master}/dir/status`).then(
      async (response) =>
        response.ok ? JSON.stringify(await response.json()).includes(`:${volume}`) : false,
      () => false,
    );
    if (s3Up && volumes) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`weed server did not get ready in 120 s: ${output.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  void data;
  return { endpoint, accessKeyId, secretAccessKey, stop };
}
