// The fuzz tier (#17): Schemathesis generates requests for every operation of the OpenAPI
// document (positive and negative data, then stateful sequences along the document's links)
// against the real server on PostgreSQL, signed in as a workspace viewer and as a platform
// admin. Pass means no 5xx, every status and body as declared, every answer within 2 s; a
// failure carries Schemathesis's report (with a curl line to reproduce each finding).
// Bounded for CI: the examples, fuzzing (positive and negative data) and stateful phases,
// FUZZ_EXAMPLES test cases per operation (default 5), seed FUZZ_SEED (default fixed, so a
// run is repeatable). The coverage phase (boundary values and unexpected methods for every
// parameter, thousands of requests) takes minutes per identity: it runs in `./run fuzz:long`.
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzTarget, startFuzzTarget } from './fuzz-target.ts';
import { describeRun, ensureSchemathesis, runSchemathesis } from './schemathesis.ts';

const MAX_EXAMPLES = Number(process.env.FUZZ_EXAMPLES ?? 5);
const SEED = Number(process.env.FUZZ_SEED ?? 17);
/**
 * Links the stateful phase must follow at least, per identity: runs reach 30-60 (viewer) and
 * 70-125 (admin) of ~920; before the session kept by the hooks, the seed's finished run and
 * the 50-step scenarios, 1 to 4. The viewer can follow links from lists only.
 */
const MIN_LINKS = { viewer: 15, admin: 40 } as const;

/** The Python that runs Schemathesis, or why it cannot run here (then the tier skips, except in CI where it fails). */
async function schemathesis(): Promise<{ python: string } | { skip: string }> {
  try {
    return { python: await ensureSchemathesis() };
  } catch (error) {
    if (process.env.CI === 'true') throw error;
    return { skip: `Schemathesis could not be installed: ${(error as Error).message}` };
  }
}

const tool = postgresSkipReason() ? { skip: postgresSkipReason() } : await schemathesis();
if ('skip' in tool) process.stderr.write(`\n[fuzz] skipping: ${tool.skip}\n\n`);

describe.skipIf('skip' in tool)('Schemathesis against the OpenAPI document', () => {
  let database: TestDatabase;
  let target: FuzzTarget;
  beforeAll(async () => {
    database = await createTestDatabase();
    target = await startFuzzTarget(database.url);
  });
  afterAll(async () => {
    await target?.stop();
    await database?.drop();
  });

  // The viewer first: the admin's run may change what the viewer can see.
  it.each(['viewer', 'admin'] as const)(
    'finds nothing and follows links signed in as the %s',
    async (who) => {
      const python = (tool as { python: string }).python;
      const result = await runSchemathesis(python, {
        baseUrl: target.baseUrl,
        identity: target[who],
        keepUsers: [target.admin.username, target.viewer.username],
        objects: target.objects,
        maxExamples: MAX_EXAMPLES,
        seed: SEED,
        phases: ['examples', 'fuzzing', 'stateful'],
      });
      process.stdout.write(`[fuzz] ${who}: ${describeRun(result)}\n`);
      expect(result.exitCode, result.output).toBe(0);
      expect(result.generated, result.output).toBeGreaterThan(0);
      expect(result.links?.covered ?? 0, result.output).toBeGreaterThanOrEqual(MIN_LINKS[who]);
    },
  );
});
