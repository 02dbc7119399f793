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
 * Operations the fuzzer leaves out, each with its reason: a stream that stays open while a
 * run is live (Schemathesis reads a response to its end, so an open stream is a timeout
 * rather than a finding).
 */
export const EXCLUDED_OPERATIONS: Record<string, string> = {
  streamRunEvents: 'Server-Sent Events: the stream stays open while the run is live',
};

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

/** Reads the totals from Schemathesis's closing summary. */
export function summaryOf(output: string): Pick<SchemathesisResult, 'generated' | 'failures'> {
  const generated = output.match(/Test cases:\s*(\d+) generated/);
  const failures = output.match(/(\d+) unique failures?/);
  return {
    generated: generated ? Number(generated[1]) : undefined,
    failures: failures ? Number(failures[1]) : 0,
  };
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
