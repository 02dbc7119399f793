import type { JobRun, Run } from '@slipway/contracts';
import { useState } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { Gate } from '../../../components/Gate.tsx';
import { TextAreaField } from '../../../components/TextField.tsx';
import { useSession } from '../../auth/api/queries.ts';
import type { RunRef } from '../api/keys.ts';
import { useDecideApproval } from '../api/mutations.ts';
import { jobKey } from '../api/queries.ts';
import { formatTime } from '../format.ts';

type Approval = NonNullable<JobRun['approval']>;

function rules(approval: Approval): string {
  const count = `${approval.count} approval${approval.count === 1 ? '' : 's'}`;
  const self = approval.allowSelfApproval
    ? 'whoever started the run may approve it too'
    : 'whoever started the run may not approve it';
  return `Needs ${count} from the role ${approval.role} (or one with its rights); ${self}.`;
}

/** An approval gate: who may decide, who did, and the decision form while it waits. */
export function ApprovalPanel(props: { target: RunRef; run: Run; gate: JobRun }) {
  const { target, run, gate } = props;
  const approval = gate.approval;
  const session = useSession();
  const decide = useDecideApproval(target);
  const [comment, setComment] = useState('');
  if (!approval) return null;
  const me = session.data?.user.username;
  const approvals = approval.decisions.filter((d) => d.decision === 'approve').length;
  const blocked =
    me && approval.decisions.some((d) => d.user === me)
      ? 'You already decided on this gate.'
      : !approval.allowSelfApproval && me === run.triggeredBy
        ? 'You started this run: someone else has to decide.'
        : undefined;
  const send = (decision: 'approve' | 'reject') =>
    decide.mutate(
      { gate: jobKey(gate), decision, comment: comment.trim() },
      { onSuccess: () => setComment('') },
    );
  return (
    <section className="card run-approval" aria-label={`Approval ${gate.name}`}>
      <h3>Approval gate {gate.name}</h3>
      <p>{rules(approval)}</p>
      <p className="muted small">
        {approvals} of {approval.count} approval{approval.count === 1 ? '' : 's'} so far.
      </p>
      {approval.decisions.length > 0 ? (
        <ul className="run-decisions" aria-label="Decisions">
          {approval.decisions.map((d) => (
            <li key={`${d.user}-${d.createdAt}`}>
              <span className={`badge ${d.decision === 'approve' ? 'badge-ok' : 'badge-error'}`}>
                {d.decision === 'approve' ? 'approved' : 'rejected'}
              </span>{' '}
              <strong>{d.user}</strong> <span className="muted small">{formatTime(d.createdAt)}</span>
              {d.comment ? <p className="run-decision-comment">{d.comment}</p> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {gate.status === 'waiting' ? (
        <div className="form">
          <ErrorNotice error={decide.error} />
          {blocked ? <p className="notice notice-info">{blocked}</p> : null}
          <TextAreaField
            label="Comment"
            value={comment}
            maxLength={2000}
            onChange={(event) => setComment(event.target.value)}
          />
          <div className="form-actions">
            <Gate
              permission="approval.decide"
              workspace={target.workspace}
              project={target.project}
              mode="disable"
            >
              <button
                type="button"
                className="button button-danger-outline"
                disabled={Boolean(blocked) || decide.isPending}
                onClick={() => send('reject')}
              >
                Reject
              </button>
            </Gate>
            <Gate
              permission="approval.decide"
              workspace={target.workspace}
              project={target.project}
              mode="disable"
            >
              <button
                type="button"
                className="button button-primary"
                disabled={Boolean(blocked) || decide.isPending}
                onClick={() => send('approve')}
              >
                Approve
              </button>
            </Gate>
          </div>
        </div>
      ) : (
        <p className="muted small">This gate is {gate.status}.</p>
      )}
    </section>
  );
}
