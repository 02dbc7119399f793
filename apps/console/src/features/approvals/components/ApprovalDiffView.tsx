import type { ApprovalDiff } from '@slipway/contracts';
import { ConfigChanges } from '../../releases/diff/ConfigChanges.tsx';
import { ObjectDiff, objectName } from '../../releases/diff/ObjectChanges.tsx';
import { formatTime } from '../../runs/format.ts';
import { manifestSummary } from '../approval-format.ts';
import '../../releases/releases.css';

function ImageSide({ image, digest }: { image: string | null; digest: string | null }) {
  if (!image) return <span className="muted">none</span>;
  return (
    <>
      <code>{image}</code>
      {digest ? (
        <div>
          <code className="small">{digest}</code>
        </div>
      ) : null}
    </>
  );
}

/** The image now live → the image this deploy brings, each with its digest when known. */
function ImageChange({ image }: { image: ApprovalDiff['image'] }) {
  return (
    <div className="release-diff-sides" data-testid="approval-image">
      <div>
        <ImageSide image={image.from} digest={image.fromDigest} />
      </div>
      <span aria-hidden="true">→</span>
      <div>
        <ImageSide image={image.to} digest={image.toDigest} />{' '}
        {image.changed ? (
          <span className="badge release-change-changed">changed</span>
        ) : (
          <span className="badge">unchanged</span>
        )}
      </div>
    </div>
  );
}

/**
 * What approving would change, against what is live: the image, config key by key (secret
 * values hidden by the API), and each manifest object from the server-side dry run — created,
 * updated (Monaco's diff of the live object against the dry run's result), unchanged (folded)
 * or pruned.
 */
export function ApprovalDiffView({ diff }: { diff: ApprovalDiff }) {
  const live = diff.live === null ? 'nothing live yet' : `live release #${diff.live}`;
  return (
    <section aria-label="What this deploy changes">
      <p className="muted small">
        Compared with {live}, computed {formatTime(diff.computedAt)}.
      </p>
      <h2>Image</h2>
      <ImageChange image={diff.image} />
      <h2>Config</h2>
      <ConfigChanges
        config={diff.config}
        fromLabel={diff.live === null ? 'Live' : `Live (#${diff.live})`}
        toLabel="This deploy"
        empty="No config set is mounted."
      />
      <h2>Manifests</h2>
      <p className="muted small">{manifestSummary(diff.manifests)} (server-side dry run).</p>
      {diff.dryRunError ? (
        <p className="notice notice-info">
          {diff.dryRunError}; the manifests are compared with the live release's stored objects instead.
        </p>
      ) : null}
      {diff.manifests.map((object) => (
        <ObjectDiff
          key={`${object.apiVersion}/${objectName(object)}`}
          object={object}
          change={object.action}
          fromYaml={object.liveYaml}
          toYaml={object.mergedYaml}
          fromSide="the cluster (live)"
          toSide="the dry run"
          initiallyOpen={object.action === 'update'}
          note={
            object.error ? (
              <p className="notice notice-error">The dry run refused it: {object.error}</p>
            ) : null
          }
        />
      ))}
    </section>
  );
}
