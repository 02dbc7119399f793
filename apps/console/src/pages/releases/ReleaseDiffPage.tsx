import { Link, useParams, useSearchParams } from 'react-router';
import { paths } from '../../app/paths.ts';
import { DetailPage } from '../../components/page/DetailPage.tsx';
import type { ReleaseRef } from '../../features/releases/api/keys.ts';
import { useRelease, useReleaseDiff } from '../../features/releases/api/queries.ts';
import { CompareButton } from '../../features/releases/components/CompareButton.tsx';
import { ReleaseDiffView } from '../../features/releases/diff/ReleaseDiffView.tsx';
import '../../features/releases/releases.css';

/** `?to=` as a release number, undefined when missing or not one. */
function releaseNumber(value: string | null): number | undefined {
  const number = Number(value);
  return value && Number.isInteger(number) && number >= 1 ? number : undefined;
}

/** Release `:number` compared with release `?to=`: image, config, objects, commits. */
export function ReleaseDiffPage() {
  const params = useParams();
  const [search] = useSearchParams();
  const ref: ReleaseRef = {
    workspace: params.workspace ?? '',
    project: params.project ?? '',
    number: Number(params.number),
  };
  const to = releaseNumber(search.get('to'));
  const release = useRelease(ref);
  const diff = useReleaseDiff(ref, to);
  const link = (number: number) => <Link to={paths.release({ ...ref, number })}>#{number}</Link>;
  return (
    <DetailPage
      title={to === undefined ? `Compare release #${ref.number}` : `Release #${ref.number} → #${to}`}
      subtitle={
        to === undefined ? null : (
          <p className="release-diff-legend">
            {link(ref.number)} on the left, {link(to)} on the right.
          </p>
        )
      }
      query={to === undefined ? release : diff}
      errorTitle="Cannot compare the releases"
      actions={release.data ? <CompareButton workspace={ref.workspace} release={release.data} /> : null}
    >
      {() =>
        diff.data ? (
          <ReleaseDiffView diff={diff.data} />
        ) : (
          <p className="muted">Choose the release to compare with (“Compare with…”).</p>
        )
      }
    </DetailPage>
  );
}
