import type { ApprovalDetail } from '@slipway/contracts';
import { useRef } from 'react';
import { ApiError } from '../../../api/client.ts';
import { Form } from '../../../components/form/Form.tsx';
import { useForm } from '../../../components/form/use-form.ts';
import { useDecideApproval } from '../api/mutations.ts';
import { staleDiffOf } from '../approval-format.ts';
import { DecisionFields } from './DecisionFields.tsx';

/**
 * Approve or reject a pending request, with a comment (a rejection must say why). Approving
 * sends the hash of the diff on screen: when the diff changed meanwhile the server refuses
 * (409) with the new one, which replaces the one shown, and this form says so — the user
 * reads it and approves again. Disabled, with the server's reason, when the caller may not
 * decide (policy: role, self-approval, already decided).
 */
export function DecisionForm({ approval }: { approval: ApprovalDetail }) {
  const decide = useDecideApproval(approval.id);
  const decision = useRef<'approve' | 'reject'>('approve');
  const form = useForm({
    initial: { comment: '' },
    validate: (values) => ({
      comment:
        decision.current === 'reject' && !values.comment.trim()
          ? 'Say why you reject this deploy.'
          : undefined,
    }),
    submit: (values) =>
      decide.mutateAsync({
        decision: decision.current,
        comment: values.comment.trim() || undefined,
        ...(decision.current === 'approve' && approval.diff ? { diffHash: approval.diff.hash } : {}),
      }),
    onSuccess: () => form.reset({ comment: '' }),
  });
  const stale = decide.error instanceof ApiError && staleDiffOf(decide.error) !== undefined;
  // The stale-diff refusal is said here, not again in the form's error banner.
  if (stale) form.error('diff');
  const refusal = approval.canDecide ? undefined : (approval.reason ?? 'you may not decide this request');
  const send = (choice: 'approve' | 'reject') => {
    decision.current = choice;
    form.onSubmit();
  };
  return (
    <Form form={form} label="decide">
      {stale ? (
        <p className="notice notice-info" role="status" data-testid="stale-diff">
          The diff changed since you opened it. The new diff is shown below: read it, then approve again.
        </p>
      ) : null}
      <DecisionFields
        noun="request"
        refusal={refusal}
        refusalTestId="decision-refusal"
        pending={form.submitting}
        comment={form.field('comment')}
        commentHint="Required to reject: the developer sees it on the run and the release."
        rejectLabel="Reject"
        onReject={() => send('reject')}
        approveLabel={form.submitting && decision.current === 'approve' ? 'Approving…' : 'Approve'}
        onApprove={() => {
          decision.current = 'approve';
        }}
      />
    </Form>
  );
}
