import { Link } from 'react-router';
import { paths } from '../../../app/paths.ts';
import { ApprovalDecisions } from '../../approvals/components/ApprovalDecisions.tsx';
import { useRelease } from '../../releases/api/queries.ts';
import { ReleaseStatusBadge } from '../../releases/components/ReleaseStatusBadge.tsx';
import type { RunRef } from '../api/keys.ts';

/**
 * The release a deploy job made, as the run page shows it: its status, why it waits (the
 * approval, its turn, a lock or freeze) with a link to the approval request, and the approvers'
 * decisions — who approved, or who rejected and why. Read again while the release has not ended.
 */
export function DeployRelease(props: { target: RunRef; environment: string; number: number }) {
  const ref = { workspace: props.target.workspace, project: props.target.project, number: props.number };
  const release = useRelease(ref).data;
  return (
    <section className="card run-deploy-release" aria-label={`Release #${props.number}`}>
      <p>
        <Link className="release-text-link" to={paths.release(ref)}>
          Release #{props.number}
        </Link>{' '}
        {release ? <ReleaseStatusBadge status={release.status} /> : null}{' '}
        <span className="muted small">what this deploy puts into {props.environment}</span>
      </p>
      {release?.holdReason ? (
        <p className="notice notice-info" data-testid="deploy-hold">
          Waiting: {release.holdReason}
        </p>
      ) : null}
      {release?.approval?.status === 'pending' ? (
        <p>
          <Link to={paths.approval(release.approval.id)}>Open the approval request</Link>
        </p>
      ) : null}
      {release?.approval && release.approval.decisions.length > 0 ? (
        <ApprovalDecisions decisions={release.approval.decisions} />
      ) : null}
      {release?.status === 'rejected' && release.message ? (
        <p className="notice notice-error" data-testid="deploy-rejected">
          {release.message}
        </p>
      ) : null}
    </section>
  );
}
