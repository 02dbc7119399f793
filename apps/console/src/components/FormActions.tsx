/** The Cancel / submit pair at the bottom of every form. */
export function FormActions(props: {
  submitLabel: string;
  pending?: boolean;
  pendingLabel?: string;
  onCancel?: () => void;
  danger?: boolean;
}) {
  return (
    <div className="form-actions">
      {props.onCancel ? (
        <button type="button" className="button" onClick={props.onCancel}>
          Cancel
        </button>
      ) : null}
      <button
        type="submit"
        className={`button ${props.danger ? 'button-danger' : 'button-primary'}`}
        disabled={props.pending}
      >
        {props.pending ? (props.pendingLabel ?? 'Saving…') : props.submitLabel}
      </button>
    </div>
  );
}
