import type { Release } from '@slipway/contracts';
import { Link } from 'react-router';
import { paths } from '../../../app/paths.ts';
import { ApprovalDecisions } from '../../approvals/components/ApprovalDecisions.tsx';
import { formatTime } from '../../runs/format.ts';
import '../releases.css';

/**
 * What the environment's policy did with a release: the approval it needed (how many, from
 * which role, its status, who decided, when and why, a link to the request while it waits)
 * and a broken freeze (by whom, why, when). Nothing when neither applies.
 */
export function ReleasePolicy({ release }: { release: Release }) {
  const { approval, freezeBreak } = release;
  if (!approval && !freezeBreak) return null;
  return (
    <section className="card" aria-label="Approval and policy">
      {approval ? (
        <>
          <h2>Approval</h2>
          <p>
            <span className="badge">{approval.status}</span> {approval.required} approval
            {approval.required === 1 ? '' : 's'} from the role <code>{approval.approverRole}</code>
            {approval.allowSelfApproval ? '' : ', not from whoever started or committed it'}. Requested{' '}
            {formatTime(approval.requestedAt)}
            {approval.decidedAt
              ? `, decided ${formatTime(approval.decidedAt)}`
              : `, expires ${formatTime(approval.expiresAt)}`}
            .
          </p>
          {approval.status === 'pending' ? (
            <p>
              <Link to={paths.approval(approval.id)}>Open the approval request</Link>
            </p>
          ) : null}
          <ApprovalDecisions decisions={approval.decisions} />
        </>
      ) : null}
      {freezeBreak ? (
        <>
          <h2>Freeze broken</h2>
          <p data-testid="freeze-break">
            <strong>{freezeBreak.by}</strong> let this release deploy during a freeze window,{' '}
            {formatTime(freezeBreak.at)}: {freezeBreak.reason}
          </p>
        </>
      ) : null}
    </section>
  );
}
