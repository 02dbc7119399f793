import { type Run, testReportEndpoints } from '@slipway/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { type RunRef, runKeys, runParams } from './keys.ts';
import { isFinished } from './queries.ts';

/** Query keys of a run's test results, under the run's own (so invalidating the run refreshes them). */
export const testKeys = {
  ofRun: (ref: RunRef) => [...runKeys.detail(ref), 'tests'] as const,
  /** `finishedJobs`: a job uploads its reports before it finishes, so each finish may bring more. */
  results: (ref: RunRef, finishedJobs: number) => [...testKeys.ofRun(ref), finishedJobs] as const,
};

/**
 * The run's JUnit test results (`GET …/runs/{number}/tests`), fetched again whenever one
 * more of its jobs finishes; the previous results stay on screen meanwhile.
 */
export function useRunTests(ref: RunRef, run: Pick<Run, 'jobs'>) {
  const finishedJobs = run.jobs.filter((job) => isFinished(job.status)).length;
  return useQuery({
    queryKey: testKeys.results(ref, finishedJobs),
    queryFn: () => callEndpoint(testReportEndpoints.runTests, { params: runParams(ref) }),
    placeholderData: keepPreviousData,
  });
}
