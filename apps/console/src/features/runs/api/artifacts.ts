import { artifactEndpoints, endpointUrl } from '@slipway/contracts';
import { useQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { type RunRef, runKeys, runParams } from './keys.ts';

/**
 * The files of a run's job artifacts. `finishedJobs` (how many of the run's jobs have ended) is
 * part of the key: a job that ends may have stored artifacts, so the list is read again then.
 */
export function useRunArtifacts(ref: RunRef, finishedJobs: number) {
  return useQuery({
    queryKey: [...runKeys.detail(ref), 'artifacts', finishedJobs] as const,
    queryFn: () => callEndpoint(artifactEndpoints.list, { params: runParams(ref) }),
  });
}

/** Where the browser downloads a job's artifacts (`<pipeline>-<run>-<job>.tar.gz`). */
export function artifactDownloadUrl(ref: RunRef, job: string): string {
  const params = runParams(ref);
  return endpointUrl(artifactEndpoints.download.path, { ...params, number: String(params.number), job });
}
