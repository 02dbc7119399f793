import { z } from 'zod';
import { defineEndpoint } from './endpoint.ts';
import { RunParamsSchema } from './runs.ts';

/** A test case's outcome: a JUnit `<failure>` or `<error>` is `failed`, `<skipped>` is `skipped`. */
export const TestStatusSchema = z.enum(['passed', 'failed', 'skipped']);
export type TestStatus = z.infer<typeof TestStatusSchema>;

/**
 * Which test a case is, across runs: stage, job, suite, classname and name (the classname
 * keeps pytest's cases apart, whose suites are all called "pytest").
 */
export const TestCaseRefSchema = z.object({
  /** The job that uploaded the report. */
  job: z.string(),
  /** The job's stage (job names may repeat across stages). */
  stage: z.string(),
  /** The enclosing `<testsuite>` names, outermost first, joined with " › ". */
  suite: z.string(),
  /** The `<testcase>`'s `classname` (empty when the report gave none). */
  classname: z.string(),
  name: z.string(),
});
export type TestCaseRef = z.infer<typeof TestCaseRefSchema>;

/** How a failed case compares with the previous run (see `TestComparisonSchema`). */
export const TestChangeSchema = z.enum(['new', 'still']);

export const TestCaseSchema = TestCaseRefSchema.extend({
  status: TestStatusSchema,
  /** The failure's or skip's message (its `message`, or the first line of its text). */
  message: z.string().optional(),
  /** A failed case's text: usually the stack trace (capped at 16 KiB). */
  stack: z.string().optional(),
  /** The case's `time`, in milliseconds. */
  durationMs: z.number().int().optional(),
  /** A failed case: `new` when it did not fail in the previous run, `still` when it did. */
  change: TestChangeSchema.optional(),
});
export type TestCase = z.infer<typeof TestCaseSchema>;

/**
 * This run's failures against the previous finished run of the same pipeline on the same
 * branch that has test results (Jenkins' rule: runs without a report are passed over).
 */
export const TestComparisonSchema = z.object({
  /** The run compared with; null when there is none (then every failure counts as new). */
  previousRun: z.number().int().nullable(),
  /** Failing now; passed, skipped or absent in the previous run. */
  newFailures: z.array(TestCaseRefSchema),
  /** Failed in the previous run, passed in this one. */
  fixed: z.array(TestCaseRefSchema),
  /** Failed in both. */
  stillFailing: z.array(TestCaseRefSchema),
});
export type TestComparison = z.infer<typeof TestComparisonSchema>;

/** A report that could not be read (or only in part); the rest of the job's reports still count. */
export const TestReportWarningSchema = z.object({
  job: z.string(),
  stage: z.string(),
  /** The report's path in the job's workspace. */
  file: z.string(),
  /** What went wrong, with `line:column` when the XML parser told where. */
  message: z.string(),
});
export type TestReportWarning = z.infer<typeof TestReportWarningSchema>;

/** A run's test results: totals, the cases (failures first), the comparison and warnings. */
export const RunTestsSchema = z.object({
  total: z.number().int(),
  passed: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  /** Failed cases first, then skipped, then passed; in job and report order within each. */
  cases: z.array(TestCaseSchema),
  comparison: TestComparisonSchema,
  warnings: z.array(TestReportWarningSchema),
});
export type RunTests = z.infer<typeof RunTestsSchema>;

export const testReportEndpoints = {
  runTests: defineEndpoint({
    operationId: 'getRunTests',
    method: 'GET',
    path: '/api/v1/workspaces/{workspace}/projects/{project}/pipelines/{pipeline}/runs/{number}/tests',
    summary:
      'The run’s JUnit test results: totals, cases (failures first), new/fixed/still failing against the previous run on the branch, and report warnings',
    tag: 'runs',
    params: RunParamsSchema,
    response: RunTestsSchema,
  }),
};
