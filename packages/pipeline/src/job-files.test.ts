// The restore and upload scripts, RUN with /bin/sh in a temporary workspace against a small
// HTTP server speaking the job-files protocol (node:http), and the glob rule they share
// with the server (picomatch).
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import picomatch from 'picomatch';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CACHE_KEY_FILE,
  globBases,
  globsRegex,
  RESTORE_STEP,
  reportsSidecarScript,
  restoreScript,
  TRANSFER_IMAGE,
  UPLOAD_STARTED_FILE,
  UPLOAD_STEP,
  uploadScript,
} from './job-files.ts';
import { parsePipeline } from './parse.ts';
import { planRun } from './run-plan.ts';

const exec = promisify(execFile);
const TOKEN = 'job-1.signature';

/** What the test server received and holds. */
interface Received {
  puts: Array<{ route: string; key: string | null; entries: string[]; body: Buffer }>;
  artifacts: Map<string, Buffer>;
  cache: Map<string, Buffer>;
  /** Answer PUT artifacts with this status and message instead. */
  refuseArtifacts?: { status: number; message: string };
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function tarEntries(archive: Buffer, dir: string): Promise<string[]> {
  const file = path.join(dir, `list-${Math.random()}.tgz`);
  await writeFile(file, archive);
  const { stdout } = await exec('tar', ['-tzf', file]);
  await rm(file);
  return stdout.split('\n').filter(Boolean).sort();
}

function startServer(received: Received, scratch: string): Promise<Server> {
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const json = (status: number, body: object) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.headers.authorization !== `Bearer ${TOKEN}`) {
        return json(401, { statusCode: 401, error: 'Unauthorized', message: 'the job token is not valid' });
      }
      const route = url.pathname.replace('/api/v1/job-files/', '');
      const key = url.searchParams.get('key');
      if (request.method === 'PUT') {
        const body = await bodyOf(request);
        received.puts.push({ route, key, entries: await tarEntries(body, scratch), body });
        if (route === 'artifacts' && received.refuseArtifacts) {
          const { status, message } = received.refuseArtifacts;
          return json(status, { statusCode: status, error: 'Payload Too Large', message });
        }
        if (route === 'cache' && key) received.cache.set(key, body);
        return json(200, { message: `saved ${route}` });
      }
      if (route === 'artifacts') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        return response.end([...received.artifacts.keys()].map((job) => `${job}\n`).join(''));
      }
      if (route.startsWith('artifacts/')) {
        const archive = received.artifacts.get(route.slice('artifacts/'.length));
        if (!archive) return json(404, { message: 'no artifacts' });
        response.writeHead(200, { 'content-type': 'application/gzip' });
        return response.end(archive);
      }
      if (route === 'cache') {
        const archive = key ? received.cache.get(key) : undefined;
        if (!archive) return json(404, { message: 'no such cache' });
        response.writeHead(200, { 'content-type': 'application/gzip' });
        return response.end(archive);
      }
      json(404, { message: 'no route' });
    })();
  });
  server.listen(0, '127.0.0.1');
  return once(server, 'listening').then(() => server);
}

describe('the restore and upload scripts, run with /bin/sh', () => {
  let server: Server;
  let scratch: string;
  let workspace: string;
  let apiUrl: string;
  const received: Received = { puts: [], artifacts: new Map(), cache: new Map() };

  async function run(script: string, env: Record<string, string> = {}) {
    const file = path.join(scratch, 'step.sh');
    await writeFile(file, script);
    try {
      const { stdout, stderr } = await exec('/bin/sh', ['-e', file], {
        cwd: workspace,
        env: { PATH: process.env.PATH, SLIPWAY_API_URL: apiUrl, SLIPWAY_JOB_TOKEN: TOKEN, ...env },
      });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, output: failed.stdout + failed.stderr };
    }
  }

  async function files(entries: Record<string, string>) {
    for (const [name, text] of Object.entries(entries)) {
      await mkdir(path.dirname(path.join(workspace, name)), { recursive: true });
      await writeFile(path.join(workspace, name), text);
    }
  }

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'slipway-job-files-'));
    server = await startServer(received, scratch);
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  beforeEach(async () => {
    received.puts = [];
    received.artifacts.clear();
    received.cache.clear();
    delete received.refuseArtifacts;
    workspace = path.join(scratch, `ws-${Math.random().toString(36).slice(2)}`);
    await mkdir(workspace);
  });

  it('uploads the files the globs select (a directory glob includes what is under it), reports too', async () => {
    await files({
      'dist/app.bin': 'app',
      'dist/sub/deep.txt': 'deep',
      'dist/.hidden': 'h',
      'src/main.c': 'no',
      'reports/a.xml': '<a/>',
      'reports/nested/b.xml': 'not matched by reports/*.xml',
      'out/lib': 'lib',
    });
    const script = uploadScript({
      artifacts: { paths: ['dist', 'out/*'], expireInSeconds: 60 },
      reports: { junit: ['reports/*.xml'] },
      cache: undefined,
    });
    const result = await run(script);
    expect(result.code, result.output).toBe(0);
    expect(received.puts.map((p) => [p.route, p.entries])).toEqual([
      ['artifacts', ['./dist/.hidden', './dist/app.bin', './dist/sub/deep.txt', './out/lib']],
      ['reports', ['./reports/a.xml']],
    ]);
    expect(result.output).toContain('slipway: saved artifacts');
  });

  it('after a failure (SLIPWAY_JOB_FAILED=1) uploads reports only', async () => {
    await files({ 'dist/app.bin': 'app', 'reports/a.xml': '<a/>', 'node_modules/x.js': 'x' });
    await writeFile(path.join(workspace, 'key'), '');
    await mkdir(path.join(workspace, '.git'));
    await writeFile(path.join(workspace, CACHE_KEY_FILE), 'npm-1');
    const script = uploadScript({
      artifacts: { paths: ['dist/**'], expireInSeconds: 60 },
      reports: { junit: ['reports/*.xml'] },
      cache: { key: [{ text: 'npm-1' }], paths: ['node_modules'] },
    });
    const result = await run(script, { SLIPWAY_JOB_FAILED: '1' });
    expect(result.code, result.output).toBe(0);
    expect(received.puts.map((p) => p.route)).toEqual(['reports']);
    expect(result.output).toContain('the job failed: its artifacts are not kept');
  });

  /**
   * Runs the reports sidecar's script as the kubelet would (`/bin/sh -ec`), waits until it
   * stands by, lets `during` change the workspace, then sends SIGTERM (what the kubelet does
   * when the pod ends) and waits for the exit.
   */
  async function sidecar(script: string, during: () => Promise<void>) {
    const child = spawn('/bin/sh', ['-ec', script], {
      cwd: workspace,
      env: { PATH: process.env.PATH, SLIPWAY_API_URL: apiUrl, SLIPWAY_JOB_TOKEN: TOKEN },
    });
    let output = '';
    const standingBy = new Promise<void>((resolve) => {
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('standing by')) resolve();
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
    });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    await standingBy;
    await during();
    child.kill('SIGTERM');
    const [code] = await exited;
    return { code, output };
  }

  const reportsJob = {
    artifacts: { paths: ['dist/**'], expireInSeconds: 60 },
    reports: { junit: ['reports/*.xml'] },
    cache: undefined,
  };

  it('the reports sidecar uploads the reports (only) when the pod ends before the upload step', async () => {
    const result = await sidecar(reportsSidecarScript(uploadScript(reportsJob)), () =>
      // A test step writes its report, then fails: the upload step never starts.
      files({ 'reports/a.xml': '<testsuite/>', 'dist/app.bin': 'app' }),
    );
    expect(result.code, result.output).toBe(0);
    expect(received.puts.map((p) => [p.route, p.entries])).toEqual([['reports', ['./reports/a.xml']]]);
    expect(result.output).toContain('the job ended before its upload step: uploading the test reports');
    expect(result.output).toContain('the job failed: its artifacts are not kept');
  });

  it('the reports sidecar does nothing when the upload step has started, and passes on a refused upload', async () => {
    const started = await sidecar(reportsSidecarScript(uploadScript(reportsJob)), async () => {
      await files({ 'reports/a.xml': '<testsuite/>' });
      // What the upload step's first line leaves.
      await run(`mkdir -p .git && : > ${UPLOAD_STARTED_FILE}\n`);
    });
    expect(started.code, started.output).toBe(0);
    expect(received.puts).toEqual([]);
    expect(started.output).not.toContain('uploading');

    await rm(path.join(workspace, UPLOAD_STARTED_FILE));
    const failing = await sidecar(reportsSidecarScript('echo "refused" >&2; exit 3\n'), async () => {});
    expect(failing.code).toBe(3);
    expect(failing.output).toContain('refused');
  });

  it('the upload step marks that it started, so the sidecar stands down', async () => {
    await files({ 'reports/a.xml': '<a/>' });
    const result = await run(uploadScript(reportsJob));
    expect(result.code, result.output).toBe(0);
    await expect(readFile(path.join(workspace, UPLOAD_STARTED_FILE), 'utf8')).resolves.toBe('');
  });

  it('prints the API message and fails when an upload is refused (over the size limit)', async () => {
    await files({ 'dist/app.bin': 'app' });
    received.refuseArtifacts = { status: 413, message: 'the run would hold more than 1 KiB of artifacts' };
    const result = await run(
      uploadScript({
        artifacts: { paths: ['dist/**'], expireInSeconds: 60 },
        reports: undefined,
        cache: undefined,
      }),
    );
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      'uploading artifacts failed: the run would hold more than 1 KiB of artifacts',
    );
  });

  it('says so when nothing matches, and uploads nothing', async () => {
    const result = await run(
      uploadScript({
        artifacts: { paths: ['dist/**'], expireInSeconds: 60 },
        reports: undefined,
        cache: undefined,
      }),
    );
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('no files match artifacts.paths (dist/**)');
    expect(received.puts).toEqual([]);
  });

  it('restores the artifacts of earlier jobs into the workspace', async () => {
    const source = path.join(scratch, `src-${Math.random()}`);
    await mkdir(path.join(source, 'dist'), { recursive: true });
    await writeFile(path.join(source, 'dist/app.bin'), 'built bytes');
    const archive = path.join(scratch, 'build.tgz');
    await exec('tar', ['-czf', archive, '-C', source, 'dist/app.bin']);
    received.artifacts.set('build', await readFile(archive));
    const result = await run(restoreScript({ artifacts: true, cache: undefined }));
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('restoring the artifacts of build');
    expect(await readFile(path.join(workspace, 'dist/app.bin'), 'utf8')).toBe('built bytes');
  });

  it('fails the restore with the reason when the token is refused', async () => {
    const result = await run(restoreScript({ artifacts: true, cache: undefined }), {
      SLIPWAY_JOB_TOKEN: 'wrong',
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      'could not list the artifacts of earlier stages: the job token is not valid',
    );
  });

  it('computes hashFiles as GitHub does, misses, saves, then hits and skips the save', async () => {
    await files({
      'package-lock.json': '{"lock":1}',
      'apps/a/package.json': 'a',
      'apps/b/package.json': 'b',
    });
    const cache = {
      key: [{ text: "npm-'x'-" }, { hashFiles: ['package-lock.json', 'apps/*/package.json'] }],
      paths: ['node_modules'],
    };
    const digest = (text: string) => createHash('sha256').update(text).digest();
    const expected = createHash('sha256')
      .update(Buffer.concat([digest('a'), digest('b'), digest('{"lock":1}')]))
      .digest('hex');
    const key = `npm-'x'-${expected}`;

    const miss = await run(restoreScript({ artifacts: false, cache }));
    expect(miss.code, miss.output).toBe(0);
    expect(miss.output).toContain(`cache miss: ${key}`);
    expect(await readFile(path.join(workspace, CACHE_KEY_FILE), 'utf8')).toBe(key);

    await files({ 'node_modules/dep/index.js': 'dep' });
    const upload = uploadScript({ artifacts: undefined, reports: undefined, cache });
    const saved = await run(upload);
    expect(saved.code, saved.output).toBe(0);
    expect(received.puts.map((p) => [p.route, p.key, p.entries])).toEqual([
      ['cache', key, ['./node_modules/dep/index.js']],
    ]);

    await rm(path.join(workspace, 'node_modules'), { recursive: true });
    const hit = await run(restoreScript({ artifacts: false, cache }));
    expect(hit.output).toContain(`cache hit: ${key}`);
    expect(await readFile(path.join(workspace, 'node_modules/dep/index.js'), 'utf8')).toBe('dep');
    const again = await run(upload);
    expect(again.output).toContain('is not saved again');
    expect(received.puts).toHaveLength(1);
  });

  it('hashFiles of nothing is empty', async () => {
    const result = await run(
      restoreScript({
        artifacts: false,
        cache: { key: [{ text: 'k-' }, { hashFiles: ['none/*'] }], paths: ['x'] },
      }),
    );
    expect(result.output).toContain('cache miss: k-\n');
  });

  it('keeps to POSIX sh: no arrays, [[, local, globstar or bash-only words', () => {
    const cache = { key: [{ text: 'k' }, { hashFiles: ['a'] }], paths: ['x'] };
    for (const script of [
      restoreScript({ artifacts: true, cache }),
      uploadScript({ artifacts: { paths: ['a'], expireInSeconds: 1 }, reports: { junit: ['b'] }, cache }),
    ]) {
      expect(script).not.toMatch(
        /\[\[|\blocal\b|\bdeclare\b|\bfunction\b|shopt|globstar|\bsource\b|\$\{[^}]*\[|=\(|pipefail|<\(|(\s|=)\$'/,
      );
    }
  });
});

describe('the glob rule shared by the scripts and the server', () => {
  const paths = [
    'dist',
    'dist/app.bin',
    'dist/sub/deep.txt',
    'dist/.hidden',
    'distant/x',
    'reports/a.xml',
    'reports/n/b.xml',
    'a.xml',
    'apps/a/package.json',
    'apps/a/b/package.json',
    'node_modules/.bin/tool',
    'src/x.ts',
    'src/y/z.ts',
    'src/y/z.js',
    'lib-1.tar.gz',
    'lib-2.zip',
  ];
  const globs = [
    ['dist'],
    ['dist/**'],
    ['dist/*'],
    ['reports/*.xml'],
    ['**/*.xml'],
    ['apps/*/package.json'],
    ['node_modules'],
    ['src/**/*.ts'],
    ['lib-?.{tar.gz,zip}'],
    ['lib-[12].zip', 'a.xml'],
  ];

  it.each(globs)('selects what picomatch (dot: true, plus what is under a match) selects: %s', (...list) => {
    const regex = new RegExp(globsRegex(list));
    const matchers = list.map((g) => picomatch(g, { dot: true }));
    const underMatch = (p: string) => {
      const parts = p.split('/');
      return parts.some((_, i) => matchers.some((m) => m(parts.slice(0, i + 1).join('/'))));
    };
    expect(paths.filter((p) => regex.test(p))).toEqual(paths.filter(underMatch));
  });

  it('starts find at the literal directories', () => {
    expect(globBases(['dist/**', 'dist/sub/*.txt', 'reports/*.xml', 'node_modules'])).toEqual([
      'dist',
      'reports',
      'node_modules',
    ]);
    expect(globBases(['**/*.xml', 'x'])).toEqual(['.']);
  });
});

describe('planning the restore and upload steps', () => {
  const CONTEXT = {
    releaseType: 'default',
    environment: 'dev',
    branch: 'main',
    parameters: {},
    runNumber: 1,
    runId: 'r',
    sha: '',
    namespace: '',
    project: 'shop',
    workspace: 'acme',
    secretParameters: [],
  };
  const plan = (text: string) => {
    const { spec, errors } = parsePipeline(text);
    if (!spec) throw new Error(JSON.stringify(errors));
    return planRun(spec, CONTEXT);
  };

  it('restores first (after a stage with artifacts, or with a cache), uploads last, always with reports', () => {
    const jobs = plan(`stages:
  - name: build
    jobs:
      - name: compile
        image: alpine
        artifacts: { paths: [dist/**] }
        steps:
          - run: make
      - name: lint
        image: alpine
        steps:
          - run: lint
  - name: test
    jobs:
      - name: unit
        image: alpine
        reports: { junit: reports/*.xml }
        cache: { key: npm, paths: [node_modules] }
        steps:
          - name: upload
            run: npm test
  - name: gate
    approval: {}
`);
    const summary = jobs.map((j) => [
      j.name,
      j.steps.map((s) => `${s.name}${s.transfer ? `:${s.transfer}` : ''}${s.always ? ':always' : ''}`),
    ]);
    expect(summary).toEqual([
      ['compile', ['step-1', `${UPLOAD_STEP}:upload`]],
      ['lint', ['step-1']],
      ['unit', [`${RESTORE_STEP}:restore`, 'upload', 'upload-2:upload:always']],
      ['gate', []],
    ]);
    const unit = jobs[2];
    expect(unit?.steps[0]?.image).toBe(TRANSFER_IMAGE);
    expect(unit?.steps[0]?.script).toContain('/api/v1/job-files/artifacts');
    expect(unit?.steps[0]?.script).toContain('/api/v1/job-files/cache');
  });

  it('adds no restore after a stage whose job with artifacts does not run', () => {
    const jobs = plan(`stages:
  - name: build
    when: { branch: [release/*] }
    jobs:
      - name: compile
        image: alpine
        artifacts: { paths: [dist] }
        steps:
          - run: make
  - name: test
    jobs:
      - name: unit
        image: alpine
        steps:
          - run: test
`);
    expect(jobs[1]?.steps.map((s) => s.name)).toEqual(['step-1']);
  });
});
