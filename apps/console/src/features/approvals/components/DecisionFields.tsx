import { TextAreaInput } from '../../../components/form/fields.tsx';
import type { FieldBinding } from '../../../components/form/use-form.ts';

/**
 * The inside of a decision form, shared by pipeline gates (run page) and deploy approvals
 * (approval page): why the user may not decide (then the comment and both buttons are
 * disabled, the reason on hover too), the comment, Reject and Approve (the form's submit).
 */
export function DecisionFields(props: {
  /** `gate` or `request`: "You cannot decide this <noun>: <refusal>". */
  noun: string;
  refusal: string | undefined;
  refusalTestId: string;
  /** A decision is being sent. */
  pending: boolean;
  comment: FieldBinding<'comment', string>;
  commentHint?: string;
  rejectLabel: string;
  onReject: () => void;
  approveLabel: string;
  /** Before the form submits an approval (e.g. note which decision is sent). */
  onApprove?: () => void;
}) {
  const { refusal } = props;
  const disabled = refusal !== undefined || props.pending;
  return (
    <>
      {refusal ? (
        <p className="notice notice-info" data-testid={props.refusalTestId}>
          You cannot decide this {props.noun}: {refusal}
        </p>
      ) : null}
      <TextAreaInput
        label="Comment"
        {...(props.commentHint ? { hint: props.commentHint } : {})}
        maxLength={2000}
        disabled={refusal !== undefined}
        field={props.comment}
      />
      <div className="form-actions">
        <button
          type="button"
          className="button button-danger-outline"
          disabled={disabled}
          title={refusal}
          onClick={props.onReject}
        >
          {props.rejectLabel}
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={disabled}
          title={refusal}
          onClick={props.onApprove}
        >
          {props.approveLabel}
        </button>
      </div>
    </>
  );
}
