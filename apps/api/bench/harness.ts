// Shared set-up of the benchmark scripts: a throwaway PostgreSQL, the real application
// (in process, or as a server process), and small statistics helpers. Benchmarks print
// figures; they are not tests and assert nothing about speed.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '@slipway/db';
import { startPostgresServer } from '@slipway/testing';
import { type AppDeps, buildApp } from '../src/app.ts';
import { ADMIN_PASSWORD, signIn, testAppConfig } from '../test/helper.ts';

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export function summary(name: string, valuesMs: readonly number[]): string {
  const fmt = (v: number) => `${v.toFixed(1)} ms`;
  return `${name}: n=${valuesMs.length} p50=${fmt(percentile(valuesMs, 50))} p99=${fmt(percentile(valuesMs, 99))} max=${fmt(Math.max(...valuesMs))}`;
}

/** A pipeline of one job with one step: what the dispatch and concurrency benchmarks run. */
export const ONE_STEP_SPEC = `stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3.22
        steps:
          - name: make
            run: make
`;

/** The local control plane's admin kubeconfig (`./run kube:up` starts it). */
export function localKubeconfig(): string {
  const file =
    process.env.KUBECONFIG ?? path.join(os.homedir(), '.cache/slipway/kube/cluster/admin.kubeconfig');
  if (!existsSync(file)) throw new Error(`no kubeconfig at ${file}: start the cluster with ./run kube:up`);
  return readFileSync(file, 'utf8');
}

/** The application on a fresh PostgreSQL, its engine running, signed in as admin. */
export async function startBenchApp(
  options: { onReconcile?: AppDeps['onReconcile']; logger?: AppDeps['logger'] } = {},
) {
  const postgres = await startPostgresServer();
  const db = await openDatabase({ databaseUrl: postgres.url, dataDir: os.tmpdir() });
  const built = await buildApp({
    db,
    config: testAppConfig(),
    ...(options.onReconcile ? { onReconcile: options.onReconcile } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  await built.services.auth.ensureBootstrapAdmin(ADMIN_PASSWORD);
  await built.app.ready();
  built.engine.start();
  built.releases.start();
  const admin = await signIn(built.app);
  return {
    ...built,
    db,
    postgres,
    admin,
    async close() {
      await built.app.close();
      await db.close();
      await postgres.stop();
    },
  };
}

/**
 * One figure of the benchmark table. `value` is what was measured (in `unit`); `limit` is the
 * goal's bound in the same unit (for "at least" goals set `atLeast`); `ratio` is value / limit
 * (for "at least" goals limit / value), so ≤ 1 means the goal is met on any machine; `reference`
 * says what the limit was measured against when it comes from the same run (e.g. a bare
 * `create Job` round trip).
 */
export interface BenchFigure {
  figure: string;
  value: number;
  unit: string;
  goal: string;
  limit?: number | undefined;
  atLeast?: boolean | undefined;
  reference?: string | undefined;
}

/**
 * Prints a figure for people and, on one line starting with `FIGURE `, as JSON for
 * `./run bench`, which collects every script's figures into one table.
 */
export function reportFigure(figure: BenchFigure): void {
  // A limit of 0 ("no periodic queries") has no ratio: met means nothing was measured.
  const ratio =
    figure.limit === undefined || figure.limit === 0
      ? undefined
      : figure.atLeast
        ? figure.limit / figure.value
        : figure.value / figure.limit;
  const met = figure.limit === 0 ? figure.value <= 0 : ratio === undefined ? undefined : ratio <= 1;
  console.log(
    `${figure.figure}: ${figure.value.toFixed(2)} ${figure.unit} (goal ${figure.goal}${
      met === undefined
        ? ''
        : `${ratio === undefined ? '' : `; ratio to limit ${ratio.toFixed(2)}`}, ${met ? 'met' : 'NOT met'}`
    })`,
  );
  console.log(`FIGURE ${JSON.stringify({ ...figure, ratio, met })}`);
}
