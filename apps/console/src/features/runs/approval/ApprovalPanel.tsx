import type { JobRun, Run } from '@slipway/contracts';
import { useState } from 'react';
import { FormActions } from '../../../components/FormActions.tsx';
import { Form } from '../../../components/form/Form.tsx';
import { TextAreaInput } from '../../../components/form/fields.tsx';
import { useForm } from '../../../components/form/use-form.ts';
import { Modal } from '../../../components/Modal.tsx';
import { usePermission } from '../../access/api/queries.ts';
import { DecisionFields } from '../../approvals/components/DecisionFields.tsx';
import { useSession } from '../../auth/api/queries.ts';
import type { RunRef } from '../api/keys.ts';
import { useDecideApproval } from '../api/mutations.ts';
import { jobKey } from '../api/queries.ts';
import { RunStatusBadge } from '../components/RunStatusBadge.tsx';
import { formatTime } from '../format.ts';

type Approval = NonNullable<JobRun['approval']>;

function rules(approval: Approval): string {
  const count = `${approval.count} approval${approval.count === 1 ? '' : 's'}`;
  const self = approval.allowSelfApproval
    ? 'whoever started the run may approve it too'
    : 'whoever started the run may not approve it';
  return `Needs ${count} from the role ${approval.role} (or one with its rights); ${self}.`;
}

/**
 * Why this user may not decide the gate, or undefined when they may. The server says so per
 * gate (`approval.caller`, the rule its decision endpoint applies); until it has (a gate
 * that just opened), the console's own view of the same rule stands in.
 */
function useRefusal(target: RunRef, run: Run, approval: Approval): string | undefined {
  const session = useSession();
  const decide = usePermission('approval.decide', { workspace: target.workspace, project: target.project });
  if (approval.caller)
    return approval.caller.mayDecide ? undefined : (approval.caller.reason ?? 'not allowed');
  const me = session.data?.user.username;
  if (!decide.allowed) return decide.loading ? 'checking your permissions…' : decide.reason;
  if (me && approval.decisions.some((d) => d.user === me)) return 'you already decided on this gate';
  if (!approval.allowSelfApproval && me === run.triggeredBy) {
    return 'you started this run; this gate needs someone else to decide';
  }
  return undefined;
}

/** The reason form of the Reject dialog: mounted per opening, so it starts empty each time. */
function RejectForm(props: { gate: JobRun; target: RunRef; onClose: () => void }) {
  const decide = useDecideApproval(props.target);
  const form = useForm({
    // `comment`: the API's name for the reason (its 400 details say `body.comment`).
    initial: { comment: '' },
    validate: (values) => ({ comment: values.comment.trim() ? undefined : 'Say why you reject this gate.' }),
    submit: (values) =>
      decide.mutateAsync({ gate: jobKey(props.gate), decision: 'reject', comment: values.comment.trim() }),
    onSuccess: props.onClose,
  });
  return (
    <Form form={form} label="reject gate">
      <p>The run stops here and reads “rejected”, with your name and this reason.</p>
      {/* aria-required, not required: the form's own message says what is missing, not the browser's. */}
      <TextAreaInput label="Reason" aria-required maxLength={2000} field={form.field('comment')} />
      <FormActions
        onCancel={props.onClose}
        pending={form.submitting}
        pendingLabel="Rejecting…"
        submitLabel="Reject"
        danger
      />
    </Form>
  );
}

/** Asks why before a rejection is sent (a rejection ends the run). */
function RejectDialog(props: { gate: JobRun; target: RunRef; open: boolean; onClose: () => void }) {
  return (
    <Modal title={`Reject ${props.gate.name}`} open={props.open} onClose={props.onClose}>
      <RejectForm gate={props.gate} target={props.target} onClose={props.onClose} />
    </Modal>
  );
}

/** An approval gate: who may decide, who did, and the decision form while it waits. */
export function ApprovalPanel(props: { target: RunRef; run: Run; gate: JobRun }) {
  const { target, run, gate } = props;
  const approval = gate.approval;
  if (!approval) return null;
  return <GatePanel target={target} run={run} gate={gate} approval={approval} />;
}

function GatePanel(props: { target: RunRef; run: Run; gate: JobRun; approval: Approval }) {
  const { target, run, gate, approval } = props;
  const decide = useDecideApproval(target);
  const form = useForm({
    initial: { comment: '' },
    submit: (values) =>
      decide.mutateAsync({ gate: jobKey(gate), decision: 'approve', comment: values.comment.trim() }),
    onSuccess: () => form.reset({ comment: '' }),
  });
  const [rejecting, setRejecting] = useState(false);
  const refusal = useRefusal(target, run, approval);
  const approvals = approval.decisions.filter((d) => d.decision === 'approve').length;
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
        <Form form={form} label={`decide ${gate.name}`}>
          <DecisionFields
            noun="gate"
            refusal={refusal}
            refusalTestId="gate-refusal"
            pending={form.submitting}
            comment={form.field('comment')}
            rejectLabel="Reject…"
            onReject={() => setRejecting(true)}
            approveLabel="Approve"
          />
        </Form>
      ) : (
        <p className="muted small" data-testid="gate-outcome">
          This gate is <RunStatusBadge status={gate.status} />
          {gate.message ? ` — ${gate.message}` : ''}.
        </p>
      )}
      {/* Outside the decision form: a form may not hold another. */}
      {gate.status === 'waiting' ? (
        <RejectDialog gate={gate} target={target} open={rejecting} onClose={() => setRejecting(false)} />
      ) : null}
    </section>
  );
}
