import {
  FINISHED_STATUSES,
  formatBytes,
  type Run,
  type RunArtifacts as RunArtifactList,
} from '@slipway/contracts';
import { artifactDownloadUrl, useRunArtifacts } from '../api/artifacts.ts';
import type { RunRef } from '../api/keys.ts';
import { formatTime } from '../format.ts';

type Item = RunArtifactList['items'][number];

/** The items grouped by job, in the order the API lists them (stage order). */
function byJob(items: readonly Item[]): Array<{ job: string; files: Item[] }> {
  const groups = new Map<string, Item[]>();
  for (const item of items) groups.set(item.job, [...(groups.get(item.job) ?? []), item]);
  return [...groups].map(([job, files]) => ({ job, files }));
}

/**
 * The run's artifacts: per job, its files with size and expiry and a link that downloads the
 * job's archive. Read again whenever another of the run's jobs ends.
 */
export function RunArtifacts(props: { target: RunRef; run: Run }) {
  const finished = props.run.jobs.filter((job) => FINISHED_STATUSES.includes(job.status)).length;
  const artifacts = useRunArtifacts(props.target, finished);
  const groups = byJob(artifacts.data?.items ?? []);
  return (
    <section aria-labelledby="run-artifacts-title" data-testid="run-artifacts">
      <h2 id="run-artifacts-title">Artifacts</h2>
      {artifacts.isPending ? (
        <p className="muted">Loading artifacts…</p>
      ) : artifacts.isError ? (
        <p className="notice notice-error">Cannot list the artifacts: {artifacts.error.message}</p>
      ) : groups.length === 0 ? (
        <p className="muted">No artifacts{finished < props.run.jobs.length ? ' yet' : ''}.</p>
      ) : (
        <div className="table-scroll">
          <table className="table" aria-label="Artifacts">
            <thead>
              <tr>
                <th>Job</th>
                <th>Path</th>
                <th>Size</th>
                <th>Expires</th>
              </tr>
            </thead>
            <tbody>
              {groups.flatMap(({ job, files }) =>
                files.map((file, index) => (
                  <tr key={`${job}/${file.path}`}>
                    {index === 0 ? (
                      <th scope="rowgroup" rowSpan={files.length}>
                        {job}
                        <br />
                        <a
                          className="small"
                          href={artifactDownloadUrl(props.target, job)}
                          download
                          aria-label={`Download .tar.gz of the artifacts of ${job}`}
                        >
                          Download .tar.gz
                        </a>
                      </th>
                    ) : null}
                    <td>
                      <code>{file.path}</code>
                    </td>
                    <td>{formatBytes(file.size)}</td>
                    <td>
                      <time dateTime={file.expiresAt}>{formatTime(file.expiresAt)}</time>
                    </td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
