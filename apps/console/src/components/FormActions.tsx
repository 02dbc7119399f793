/** The Cancel / submit pair at the bottom of every form. */
export function FormActions(props: {
  submitLabel: string;
  pending?: boolean;
  pendingLabel?: string;
  onCancel?: () => void;
  danger?: boolean;
  /** Nothing to save yet (an edit form whose values are still the stored ones): submit is off. */
  unchanged?: boolean;
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
        disabled={props.pending || props.unchanged}
        title={props.unchanged ? 'Nothing changed yet' : undefined}
      >
        {props.pending ? (props.pendingLabel ?? 'Saving…') : props.submitLabel}
      </button>
    </div>
  );
}
