// `./run bench`: runs every benchmark script one after another (each in its own process, so
// one's memory does not count against the next), collects the `FIGURE {json}` lines they
// print (see reportFigure in harness.ts) and writes one Markdown table to stdout and to
// `.bench/results.md` at the repository root. Scripts that need the local control plane
// start it first (`packages/test-cluster/up.sh` reuses a running one).
// Usage: ./run bench [script-name …]   (names as in BENCHMARKS, default: all)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchFigure } from './harness.ts';

const API_DIR = fileURLToPath(new URL('..', import.meta.url));
const ROOT = path.resolve(API_DIR, '../..');

interface Benchmark {
  name: string;
  file: string;
  args: string[];
  needsCluster: boolean;
  /** A command run first, from the repository root (e.g. building what is measured). */
  prepare?: string;
}

/** Every benchmark with the arguments its table figures are measured at. */
const BENCHMARKS: Benchmark[] = [
  { name: 'idle', file: 'bench/idle.ts', args: ['60'], needsCluster: false },
  { name: 'requests', file: 'bench/request-path.ts', args: [], needsCluster: false },
  { name: 'logs', file: 'bench/log-streaming.ts', args: [], needsCluster: false },
  { name: 'runs', file: 'bench/run-latency.ts', args: [], needsCluster: true },
  { name: 'concurrent', file: 'bench/concurrent-runs.ts', args: [], needsCluster: true },
  { name: 'deploys', file: 'bench/deploy-latency.ts', args: [], needsCluster: true },
  { name: 'releases', file: 'bench/release-history.ts', args: [], needsCluster: false },
  {
    name: 'startup',
    file: 'bench/startup.ts',
    args: ['.bench/server'],
    needsCluster: false,
    prepare: 'pnpm run build && rm -rf .bench/server && pnpm run assemble .bench/server',
  },
  {
    name: 'console',
    file: '../console/scripts/console-weight.ts',
    args: [],
    needsCluster: false,
    prepare: 'bash apps/console/e2e/ensure-chromium.sh && pnpm --filter @slipway/console build',
  },
];

type Collected = BenchFigure & { ratio?: number; met?: boolean; benchmark: string };

function ensureCluster(): string {
  const up = spawnSync('bash', [path.join(ROOT, 'packages/test-cluster/up.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const kubeconfig = /KUBECONFIG=(.+)\s*$/.exec(up.stdout ?? '')?.[1];
  if (up.status !== 0 || !kubeconfig) throw new Error('could not start the local control plane');
  return kubeconfig.trim();
}

function runOne(
  benchmark: Benchmark,
  env: NodeJS.ProcessEnv,
): Promise<{ figures: Collected[]; code: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', benchmark.file, ...benchmark.args], {
      cwd: API_DIR,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const figures: Collected[] = [];
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('FIGURE ')) {
          figures.push({ ...(JSON.parse(line.slice(7)) as BenchFigure), benchmark: benchmark.name });
        } else process.stdout.write(`[${benchmark.name}] ${line}\n`);
      }
    });
    child.on('exit', (code) => resolve({ figures, code: code ?? 1 }));
  });
}

const cell = (value: string) => value.replace(/\|/g, '\\|');

function formatValue(figure: Collected): string {
  const digits = Math.abs(figure.value) >= 100 ? 0 : Math.abs(figure.value) >= 10 ? 1 : 2;
  return `${figure.value.toLocaleString('en-US', { maximumFractionDigits: digits })} ${figure.unit}`;
}

function table(figures: Collected[], failed: string[]): string {
  const rows = figures.map((f) => {
    const ratio = f.ratio === undefined ? '—' : f.ratio.toFixed(2);
    const met = f.met === undefined ? '—' : f.met ? 'yes' : '**no**';
    const reference = f.reference ? ` (${f.reference})` : '';
    return `| ${cell(f.figure)} | ${cell(formatValue(f))} | ${cell(f.goal + reference)} | ${ratio} | ${met} |`;
  });
  const notes = failed.map((name) => `\nThe \`${name}\` benchmark did not finish (see its output above).`);
  return [
    '| figure | measured | goal | ratio to limit | met |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    ...notes,
  ].join('\n');
}

async function main() {
  const wanted = process.argv.slice(2);
  const selected = BENCHMARKS.filter((b) => wanted.length === 0 || wanted.includes(b.name));
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (selected.some((b) => b.needsCluster) && !env.KUBECONFIG) env.KUBECONFIG = ensureCluster();
  const figures: Collected[] = [];
  const failed: string[] = [];
  for (const benchmark of selected) {
    console.log(`\n== ${benchmark.name} (${benchmark.file} ${benchmark.args.join(' ')})`);
    if (benchmark.prepare) {
      const prepared = spawnSync('bash', ['-c', benchmark.prepare], { cwd: ROOT, env, stdio: 'inherit' });
      if (prepared.status !== 0) {
        failed.push(benchmark.name);
        continue;
      }
    }
    const result = await runOne(benchmark, env);
    figures.push(...result.figures);
    if (result.code !== 0) failed.push(benchmark.name);
  }
  const markdown = `${table(figures, failed)}\n`;
  mkdirSync(path.join(ROOT, '.bench'), { recursive: true });
  writeFileSync(path.join(ROOT, '.bench/results.md'), markdown);
  console.log(`\n${markdown}`);
  if (failed.length > 0) process.exitCode = 1;
}

await main();
