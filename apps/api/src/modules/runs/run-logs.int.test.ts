// Step logs end to end on the local executor: what a step writes reaches the log page,
// the download and the event stream exactly (bytes) and without its secrets.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Run } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
  testAppConfig,
} from '../../../test/helper.ts';
import { type Frame, readStream, until } from '../../../test/wait.ts';

const PIPELINES = '/api/v1/workspaces/acme/projects/logs/pipelines';
const fixture = (name: string) =>
  readFile(path.join(import.meta.dirname, 'fixtures', 'field-reports', name), 'utf8');

/** A pipeline of one job `j` with these steps (YAML list items, indented by 10). */
const oneJob = (steps: string, head = 'releaseTypes:\n  full: {}\n') =>
  `${head}stages:\n  - name: s\n    jobs:\n      - name: j\n        image: alpine:3\n        steps:\n${steps}`;

interface LogPage {
  lines: { number: number; text: string }[];
  totalLines: number;
  complete: boolean;
}

describe.skipIf(postgresSkipReason())('step logs', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let base: string;
  let dir: string;
  /** What the server logged at warn level and above, one JSON line each. */
  const warnings: string[] = [];

  /** Creates the pipeline, runs it, and returns the run once it ended and its stream said `end`. */
  async function runToEnd(name: string, spec: string, parameters: Record<string, string> = {}) {
    const created = await admin.request({ method: 'POST', url: PIPELINES, payload: { name, spec } });
    expect(created.statusCode, created.body).toBe(201);
    const started = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/${name}/runs`,
      payload: { releaseType: 'full', environment: 'local', parameters },
    });
    expect(started.statusCode, started.body).toBe(201);
    const { number } = started.json() as Run;
    // Read from the start to the end: the stream must end by itself once the logs are archived.
    const frames = await readStream(`${base}${PIPELINES}/${name}/runs/${number}/events`, {
      cookie: admin.cookie,
    });
    expect(frames.at(-1)?.event).toBe('end');
    const run = (
      await admin.request({ method: 'GET', url: `${PIPELINES}/${name}/runs/${number}` })
    ).json() as Run;
    return {
      run,
      frames,
      stepUrl: (step: string) => `${PIPELINES}/${name}/runs/${number}/jobs/j/steps/${step}/log`,
    };
  }

  async function page(url: string): Promise<LogPage> {
    return until('the whole log', async () => {
      const response = await admin.request({ method: 'GET', url: `${url}?limit=1000` });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json() as LogPage;
      return body.complete ? body : undefined;
    });
  }

  async function download(url: string): Promise<Buffer> {
    const response = await admin.request({ method: 'GET', url: `${url}?download=true` });
    expect(response.statusCode).toBe(200);
    return response.rawPayload;
  }

  const logLines = (frames: Frame[], step: number) =>
    frames
      .filter((f) => f.event === 'log' && JSON.parse(f.data).step === step)
      .flatMap((f) => JSON.parse(f.data).lines as string[]);

  beforeAll(async () => {
    t = await buildTestApp({}, pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) }));
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'acme', 'logs', 'local');
    dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-run-logs-'));
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    t.engine.start();
  });

  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('masks each line of a multi-line secret in the log page, the download and the event stream (field report)', async () => {
    const secret = 'KEYLINE-ONE-abcdef123\nKEYLINE-TWO-ghijkl456';
    const { run, frames, stepUrl } = await runToEnd(
      'secret-multiline',
      await fixture('secret-multiline-parameter.yaml'),
      { token: secret },
    );
    expect(run.status).toBe('succeeded');
    const log = await page(stepUrl('print'));
    const everything = [
      JSON.stringify(log),
      (await download(stepUrl('print'))).toString('latin1'),
      ...frames.map((f) => f.data),
    ];
    for (const line of secret.split('\n')) {
      for (const text of everything) expect(text).not.toContain(line);
    }
    expect(log.lines.map((l) => l.text).slice(-2)).toEqual(['***', '***']);
  });

  it('masks secret lines printed alone, with CR LF, or in a line cut into 64 KiB pieces', async () => {
    const secret = '  first-line-of-key\r\nsecond-line-of-key\r\n';
    const { frames, stepUrl } = await runToEnd(
      'secret-pieces',
      oneJob(
        `          - name: print
            run: |
              printf '%s' "$SLIPWAY_SECRET_KEY" | tail -n 1
              printf '%s' "$SLIPWAY_SECRET_KEY" | head -n 1
              head -c 65530 /dev/zero | tr '\\0' 'y'
              printf '%s' "$SLIPWAY_SECRET_KEY" | tr -d '\\r\\n '
              echo
`,
        'parameters:\n  - name: key\n    type: secret\nreleaseTypes:\n  full:\n    parameters: [key]\n',
      ),
      { key: secret },
    );
    const log = await page(stepUrl('print'));
    const served = [
      JSON.stringify(log),
      (await download(stepUrl('print'))).toString('latin1'),
      ...frames.map((f) => f.data),
    ];
    for (const line of ['first-line-of-key', 'second-line-of-key']) {
      for (const text of served) expect(text).not.toContain(line);
    }
    expect(log.lines.slice(1, 3).map((l) => l.text)).toEqual(['***', '  ***']);
  });

  it('keeps a NUL byte: the log shows it escaped, the download returns it, the stream ends (field report)', async () => {
    const { run, frames, stepUrl } = await runToEnd('nul-byte', await fixture('log-nul-byte.yaml'));
    expect(run.status).toBe('succeeded');
    expect(run.jobs[0]?.steps.map((s) => s.logError)).toEqual([null, null]);
    const log = await page(stepUrl('nul'));
    expect(log.lines.map((l) => l.text).slice(-3)).toEqual(['before', 'binary\\x00output', 'after']);
    expect(log.totalLines).toBe(log.lines.length);
    const bytes = await download(stepUrl('nul'));
    expect(bytes.subarray(-27).equals(Buffer.from('before\nbinary\0output\nafter\n'))).toBe(true);
    expect(logLines(frames, 0).slice(-3)).toEqual(['before', 'binary\\x00output', 'after']);
    expect((await page(stepUrl('next'))).lines.map((l) => l.text)).toEqual(['next step ran']);
  });

  it('removes the local work directory of every job once its logs are archived', async () => {
    const workDir = testAppConfig().workDir;
    const jobDirs = async () => new Set(await readdir(workDir).catch(() => [] as string[]));
    const before = await jobDirs();
    const { run } = await runToEnd('work-dir', await fixture('log-nul-byte.yaml'));
    expect(run.status).toBe('succeeded');
    const left = async () => [...(await jobDirs())].filter((name) => !before.has(name));
    await until("the run's job directories are removed", async () =>
      (await left()).length === 0 ? true : undefined,
    );
    expect(await left()).toEqual([]);
  });

  it('returns exactly the bytes a step wrote: bytes that are not UTF-8, a lone CR, ANSI, long lines, binary', async () => {
    const written = Buffer.concat([
      Buffer.from('plain\n\0nul\n'),
      Buffer.from([0xff, 0xfe, 0x0a, 0xed, 0xa0, 0x80, 0x0a]), // not UTF-8; an encoded surrogate
      Buffer.from('50%\r100%\r\n\x1b[1;31mred\x1b[0m\n'),
      Buffer.from(`${'long '.repeat(30_000)}\n`),
      Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256)),
      Buffer.from('no newline at the end'),
    ]);
    const file = path.join(dir, 'output.bin');
    await writeFile(file, written);
    const { run, stepUrl } = await runToEnd(
      'bytes',
      oneJob(`          - run: echo first
          - name: cat
            run: cat '${file}'
`),
    );
    expect(run.status).toBe('succeeded');
    const log = await page(stepUrl('cat'));
    expect(log.lines.slice(0, 6).map((l) => l.text)).toEqual([
      'plain',
      '\\x00nul',
      '\\xff\\xfe',
      '\\xed\\xa0\\x80',
      '50%\r100%',
      '\x1b[1;31mred\x1b[0m',
    ]);
    expect(log.lines.at(-1)?.text.endsWith('no newline at the end')).toBe(true);
    expect((await download(stepUrl('cat'))).equals(written)).toBe(true);
  });

  it('fails the archive of a step whose log the database refuses, once and visibly, and the run goes on to its end', async () => {
    // PostgreSQL itself refuses the chunk (as it refused NUL before), every time.
    await t.db.prisma.$executeRawUnsafe(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.content LIKE '%poison-chunk%' THEN
          RAISE EXCEPTION 'invalid byte sequence' USING ERRCODE = '22021';
        END IF;
        RETURN NEW;
      END $$`);
    await t.db.prisma.$executeRawUnsafe(
      'CREATE TRIGGER refuse_poison BEFORE INSERT ON log_chunks FOR EACH ROW EXECUTE FUNCTION refuse_poison()',
    );
    try {
      const { run, frames, stepUrl } = await runToEnd(
        'refused',
        oneJob(`          - name: bad
            run: echo poison-chunk
          - name: good
            run: echo fine
`),
      );
      expect(run.status).toBe('succeeded');
      const [bad, good] = run.jobs[0]?.steps ?? [];
      expect(bad?.logError).toMatch(/^archiving the log failed at line 1/);
      expect(good?.logError).toBeNull();
      const told = frames.filter((f) => f.event === 'step' && JSON.parse(f.data).logError);
      expect(told.map((f) => JSON.parse(f.data).name)).toEqual(['bad']);
      expect((await page(stepUrl('good'))).lines.map((l) => l.text)).toEqual(['fine']);
      expect((await page(stepUrl('bad'))).complete).toBe(true);
      const gaveUp = warnings.filter((line) => line.includes('giving up on the log of s/j/bad'));
      expect(gaveUp).toHaveLength(1);
    } finally {
      await t.db.prisma.$executeRawUnsafe('DROP TRIGGER refuse_poison ON log_chunks');
    }
  });
});
