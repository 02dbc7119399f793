import { z } from 'zod';
import { TimestampSchema } from './common.ts';
import { defineEndpoint } from './endpoint.ts';
import { RunParamsSchema } from './runs.ts';

/** A size as people read it: `12 bytes`, `3.4 KiB`, `1.2 MiB`, `1 GiB` (binary units). */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 'bytes';
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return unit === 'bytes'
    ? `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`
    : `${Number(value.toFixed(1))} ${unit}`;
}

/** One file of a job's artifacts (README "Artifacts"). */
export const ArtifactFileSchema = z.object({
  /** The job that produced it (a job a retry re-used: the run that ran it kept the file). */
  job: z.string(),
  /** Relative to the job's workspace, `/`-separated. */
  path: z.string(),
  /** Bytes, uncompressed. */
  size: z.number().int().nonnegative(),
  /** When the job's artifacts are deleted (the job's `artifacts.expireIn` after it ended). */
  expiresAt: TimestampSchema,
});
export type ArtifactFile = z.infer<typeof ArtifactFileSchema>;

export const RunArtifactsSchema = z.object({
  /** Every file of every job's unexpired artifacts, in stage order, then as packed. */
  items: z.array(ArtifactFileSchema),
});
export type RunArtifacts = z.infer<typeof RunArtifactsSchema>;

export const JobArtifactsParamsSchema = RunParamsSchema.extend({ job: z.string().min(1).max(63) }).strict();

const base = '/api/v1/workspaces/{workspace}/projects/{project}/pipelines/{pipeline}/runs/{number}/artifacts';
const tag = 'artifacts';

export const artifactEndpoints = {
  list: defineEndpoint({
    operationId: 'listRunArtifacts',
    method: 'GET',
    path: base,
    summary: 'The files of the run’s job artifacts (job, path, size, expiry)',
    tag,
    params: RunParamsSchema,
    response: RunArtifactsSchema,
  }),
  download: defineEndpoint({
    operationId: 'downloadRunJobArtifacts',
    method: 'GET',
    path: `${base}/{job}`,
    summary: 'A job’s artifacts as one .tar.gz (streamed; named <pipeline>-<run>-<job>.tar.gz)',
    tag,
    params: JobArtifactsParamsSchema,
    errors: { 404: 'the run has no job of that name, or its artifacts are gone (none stored, or expired)' },
    response: z.string().describe('application/gzip: a tar archive of the job’s artifacts, gzip-compressed'),
  }),
};
