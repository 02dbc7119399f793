import type { ReleaseDiff } from '@slipway/contracts';
import { ConfigChanges } from './ConfigChanges.tsx';
import { ObjectChanges } from './ObjectChanges.tsx';
import '../releases.css';

/** The image of each side, old → new, and whether it changed. */
function ImageChange({ diff }: { diff: ReleaseDiff }) {
  const side = (image: string | null) => (image ? <code>{image}</code> : <span className="muted">none</span>);
  return (
    <section className="release-diff-sides" aria-label="Image change">
      <div>{side(diff.image.from)}</div>
      <span aria-hidden="true">→</span>
      <div>
        {side(diff.image.to)}{' '}
        {diff.image.changed ? (
          <span className="badge release-change-changed">changed</span>
        ) : (
          <span className="badge">unchanged</span>
        )}
      </div>
    </section>
  );
}

/** The commits after the older release's up to the newer's, or why they cannot be listed. */
function Commits({ commits }: { commits: ReleaseDiff['commits'] }) {
  const short = (sha: string | null) =>
    sha ? <code>{sha.slice(0, 8)}</code> : <span className="muted">unknown</span>;
  return (
    <>
      <p>
        {short(commits.from)} → {short(commits.to)}
      </p>
      {commits.list === null ? (
        <p className="muted">Commits cannot be listed: {commits.reason ?? 'unknown reason'}.</p>
      ) : commits.list.length === 0 ? (
        <p className="muted">No commits between them.</p>
      ) : (
        <div className="table-scroll">
          <table className="table" aria-label="Commits">
            <thead>
              <tr>
                <th>Commit</th>
                <th>Message</th>
                <th>Author</th>
              </tr>
            </thead>
            <tbody>
              {commits.list.map((commit) => (
                <tr key={commit.sha}>
                  <td>
                    <code>{commit.sha.slice(0, 8)}</code>
                  </td>
                  <td>{commit.message}</td>
                  <td>{commit.author}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/**
 * What changed between two releases, side by side (release `from` on the left, `to` on the
 * right): the image, config key by key, the objects one by one, the commits between them.
 */
export function ReleaseDiffView({ diff }: { diff: ReleaseDiff }) {
  return (
    <>
      <h2>Image</h2>
      <ImageChange diff={diff} />
      <h2>Config</h2>
      <ConfigChanges
        config={diff.config}
        fromLabel={`Release #${diff.from}`}
        toLabel={`Release #${diff.to}`}
        empty="Neither release mounted a config set."
      />
      <h2>Objects</h2>
      <ObjectChanges diff={diff} />
      <h2>Commits</h2>
      <Commits commits={diff.commits} />
    </>
  );
}
