// `./run fuzz:long [examples per operation] [seconds per identity]`: the long fuzz run.
// Starts its own PostgreSQL server and the real server on it, seeds it (fuzz-target.ts),
// then runs Schemathesis with every phase, first as the workspace viewer and then as the
// platform admin, streaming its output; prints the examples run and failures of each and
// exits 1 when anything failed. Defaults: 100 examples per operation, 600 s per identity
// (0: no time limit, the examples bound the run). FUZZ_SEED sets the seed, FUZZ_AS=viewer or
// admin runs one identity only, FUZZ_PHASES (comma-separated) some phases only.
import { startPostgresServer } from '@slipway/testing';
import pg from 'pg';
import { startFuzzTarget } from './fuzz-target.ts';
import { describeRun, ensureSchemathesis, runSchemathesis } from './schemathesis.ts';

const maxExamples = Number(process.argv[2] ?? 100);
const seconds = Number(process.argv[3] ?? 600);
const maxTimeSeconds = seconds > 0 ? seconds : undefined;
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

const python = await ensureSchemathesis();
const postgres = await startPostgresServer();
let failed = false;
try {
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query('CREATE DATABASE slipway_fuzz');
  await admin.end();
  const target = await startFuzzTarget(postgres.urlFor('slipway_fuzz'));
  try {
    const rows: string[] = [];
    // The viewer first: the admin's run may change what the viewer can see.
    for (const [identity, account] of [
      ['workspace viewer', target.viewer],
      ['platform admin', target.admin],
    ] as const) {
      if (process.env.FUZZ_AS && !identity.endsWith(process.env.FUZZ_AS)) continue;
      console.log(
        `\n=== Schemathesis as the ${identity} (seed ${seed}, ${maxExamples} examples, ${maxTimeSeconds ?? 'no'} time limit) ===`,
      );
      const started = Date.now();
      const result = await runSchemathesis(
        python,
        {
          baseUrl: target.baseUrl,
          identity: account,
          keepUsers: [target.admin.username, target.viewer.username],
          objects: target.objects,
          maxExamples,
          seed,
          maxTimeSeconds,
          ...(process.env.FUZZ_PHASES ? { phases: process.env.FUZZ_PHASES.split(',') } : {}),
        },
        (chunk) => process.stdout.write(chunk),
      );
      const seconds = Math.round((Date.now() - started) / 1000);
      rows.push(`${identity}: ${describeRun(result)}; ${seconds} s (exit ${result.exitCode})`);
      if (result.exitCode !== 0) failed = true;
    }
    console.log(`\nfuzz:long summary (seed ${seed})`);
    for (const row of rows) console.log(`  ${row}`);
  } finally {
    await target.stop();
  }
} finally {
  await postgres.stop();
}
process.exit(failed ? 1 : 0);
