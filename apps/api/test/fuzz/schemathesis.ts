// Runs Schemathesis (the pinned CLI that tools/schemathesis/setup.sh installs under .tools/,
// as `<venv python> -m schemathesis.cli`: see setup.sh for why not the venv's `st` script)
// against a running server's OpenAPI document and reads back what it found.
import { execFile, spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SESSION_COOKIE } from '@slipway/contracts';

const TOOL_DIR = fileURLToPath(new URL('../../../../tools/schemathesis/', import.meta.url));
const SETUP_SCRIPT = `${TOOL_DIR}setup.sh`;

/** Where the server serves its OpenAPI 3.1 document (see `plugins/openapi.ts`). */
export const OPENAPI_PATH = '/api/openapi.json';

/**
 * What every response must satisfy (issue #17): no 5xx, a status code the operation
 * declares, a body matching the declared schema, and — with `--max-response-time` — an
 * answer within 2 s. Names are Schemathesis's check names.
 */
export const CHECKS = ['not_a_server_error', 'status_code_conformance', 'response_schema_conformance'];
export const MAX_RESPONSE_TIME_SECONDS = 2;

/**
 * Operations the fuzzer leaves out, each with its reason. None today: the run event stream
 * (`streamRunEvents`) stays open while a run is live, but Schemathesis reads an event stream
 * only up to `max-stream-events` events (schemathesis.toml: 1 for this operation) and the
 * hooks send a request for a live run to the seeded, finished run, whose stream ends.
 */
export const EXCLUDED_OPERATIONS: Record<string, string> = {};

/** Installs Schemathesis on first use (idempotent) and returns the path of its environment's Python. */
export async function ensureSchemathesis(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [SETUP_SCRIPT], { maxBuffer: 1 << 20 });
  return stdout.trim();
}

/** One Schemathesis run's options. */
export interface SchemathesisOptions {
  /** The server's origin, e.g. `http://127.0.0.1:4321`. */
  baseUrl: string;
  /** Who to sign in as (tools/schemathesis/slipway_hooks.py signs in and keeps the session). */
  identity: { username: string; password: string };
  /** Accounts the fuzzer must not update or delete (those it signs in as). */
  keepUsers: readonly string[];
  /**
   * Seeded objects by path parameter name (`FuzzTarget.objects`): the hooks put them into
   * generated paths and keep them from being deleted.
   */
  objects?: Record<string, string | number>;
  /** Test cases per operation and phase (`--max-examples`). */
  maxExamples: number;
  /** Hypothesis seed, for a reproducible run. */
  seed?: number;
  /** Stop after this many seconds of fuzzing and stateful testing (`--max-time`). */
  maxTimeSeconds?: number;
  /** Phases to run; default all four (examples, coverage, fuzzing, stateful). */
  phases?: readonly string[];
  /** Concurrent workers (`--workers`); default 2, one per core of CI's machine. */
  workers?: number;
  /** Directory for the JUnit report. */
  reportDir?: string;
}

/** What a run printed, how it ended, and the totals read from its summary. */
export interface SchemathesisResult {
  exitCode: number | null;
  output: string;
  /** Test cases generated ("Test cases: N generated"), or undefined when the summary is missing. */
  generated: number | undefined;
  /** Unique failures found ("found K unique failures"), 0 when none were found. */
  failures: number;
  /** Each phase that ran, as its summary block says it ended. */
  phases: PhaseSummary[];
  /** Links the stateful phase followed ("API Links: N covered / M selected"), when it ran. */
  links: { covered: number; selected: number } | undefined;
}

/** One phase's summary block: its name, duration and outcome counts (or stateful scenarios). */
export interface PhaseSummary {
  name: string;
  seconds: number;
  /** Outcome → count, e.g. `{ passed: 150, skipped: 2 }` (operations; scenarios for stateful). */
  outcomes: Record<string, number>;
  /** Stateful only: the scenarios run. */
  scenarios?: number;
}

/** The `schemathesis run` arguments for `options` (exported for the long-run script, which prints them). */
export function schemathesisArgs(options: SchemathesisOptions): string[] {
  const args = [
    '--config-file',
    `${TOOL_DIR}schemathesis.toml`,
    'run',
    `${options.baseUrl}${OPENAPI_PATH}`,
    '--checks',
    CHECKS.join(','),
    '--max-response-time',
    String(MAX_RESPONSE_TIME_SECONDS),
    '--mode',
    'all',
    '--phases',
    (options.phases ?? ['examples', 'coverage', 'fuzzing', 'stateful']).join(','),
    '--max-examples',
    String(options.maxExamples),
    '--workers',
    String(options.workers ?? 2),
    '--request-timeout',
    '30',
    // A redirect (the OIDC routes) is the answer under test, not a place to go.
    '--max-redirects',
    '0',
    // The session comes from the hooks' sign-in, not from generated cookies.
    '--generation-with-security-parameters',
    'false',
    '--no-color',
    '--output-truncate',
    'false',
    '--generation-database',
    'none',
  ];
  for (const operationId of Object.keys(EXCLUDED_OPERATIONS))
    args.push('--exclude-operation-id', operationId);
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.maxTimeSeconds !== undefined) args.push('--max-time', String(options.maxTimeSeconds));
  if (options.reportDir) args.push('--report', 'junit', '--report-dir', options.reportDir);
  return args;
}

const PHASE_HEADER = /^\s*\S+\s+(Examples|Coverage|Fuzzing|Stateful) \(in ([\d.]+)s\)/;

/** The phase summary blocks of Schemathesis's output (` ✅  Fuzzing (in 12.3s)` and the lines under it). */
export function phasesOf(output: string): PhaseSummary[] {
  const phases: PhaseSummary[] = [];
  let current: PhaseSummary | undefined;
  for (const line of output.split('\n')) {
    const header = line.match(PHASE_HEADER);
    if (header) {
      current = { name: (header[1] as string).toLowerCase(), seconds: Number(header[2]), outcomes: {} };
      phases.push(current);
      continue;
    }
    if (!current) continue;
    if (/^[=━]{3}/.test(line) || /^\s*\S+\s{2}[A-Z]/.test(line)) {
      current = undefined;
      continue;
    }
    const scenarios = line.match(/^\s*Scenarios:\s*(\d+)/);
    if (scenarios) current.scenarios = Number(scenarios[1]);
    for (const [, count, outcome] of line.matchAll(/(\d+) (passed|failed|skipped|errored)/g))
      current.outcomes[outcome as string] = Number(count);
  }
  return phases;
}

/** Reads the totals, the phases and the links followed from Schemathesis's output. */
export function summaryOf(output: string): Omit<SchemathesisResult, 'exitCode' | 'output'> {
  const generated = output.match(/Test cases:\s*(\d+) generated/);
  const failures = output.match(/(\d+) unique failures?/);
  const links = output.match(/API Links:\s*(\d+) covered \/ (\d+) selected/);
  return {
    generated: generated ? Number(generated[1]) : undefined,
    failures: failures ? Number(failures[1]) : 0,
    phases: phasesOf(output),
    links: links ? { covered: Number(links[1]), selected: Number(links[2]) } : undefined,
  };
}

/** One line for a run: cases, failures, each phase's outcome and the links followed. */
export function describeRun(result: Omit<SchemathesisResult, 'exitCode' | 'output'>): string {
  const phases = result.phases.map((phase) => {
    const outcomes = Object.entries(phase.outcomes).map(([outcome, count]) => `${count} ${outcome}`);
    const scenarios = phase.scenarios === undefined ? '' : `${phase.scenarios} scenarios, `;
    return `${phase.name} ${scenarios}${outcomes.join(' ')} (${phase.seconds} s)`;
  });
  const links = result.links ? `; ${result.links.covered} of ${result.links.selected} links reached` : '';
  return `${result.generated ?? '?'} test cases, ${result.failures} failures; ${phases.join('; ')}${links}`;
}

/** Runs `schemathesis run` to its end; `onOutput` sees the output as it arrives (for a long run's progress). */
export async function runSchemathesis(
  python: string,
  options: SchemathesisOptions,
  onOutput?: (chunk: string) => void,
): Promise<SchemathesisResult> {
  const child = spawn(python, ['-m', 'schemathesis.cli', ...schemathesisArgs(options)], {
    // Schemathesis keeps a `.schemathesis/` folder in its working directory: not in the repository.
    cwd: options.reportDir ?? os.tmpdir(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      COLUMNS: '160',
      PYTHONPATH: TOOL_DIR,
      SCHEMATHESIS_HOOKS: 'slipway_hooks',
      SLIPWAY_FUZZ_BASE_URL: options.baseUrl,
      SLIPWAY_FUZZ_USERNAME: options.identity.username,
      SLIPWAY_FUZZ_PASSWORD: options.identity.password,
      SLIPWAY_FUZZ_COOKIE: SESSION_COOKIE,
      SLIPWAY_FUZZ_KEEP_USERS: options.keepUsers.join(','),
      SLIPWAY_FUZZ_OBJECTS: JSON.stringify(options.objects ?? {}),
    },
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    onOutput?.(text);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  return { exitCode, output, ...summaryOf(output) };
}
