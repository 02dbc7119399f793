import { Modal } from '../../../components/Modal.tsx';
import { TextAreaField } from '../../../components/TextField.tsx';

/** As long as the revisions' message column (`UpdatePipelineBodySchema.message`). */
export const REVISION_MESSAGE_MAX = 500;

/**
 * Asks for the optional message of the revision about to be saved (from the YAML editor or
 * the canvas: both edit the same text). The message is the caller's state, so a save that
 * failed (400, 409) keeps it for the next attempt.
 */
export function SaveRevisionDialog(props: {
  open: boolean;
  /** The revision the save will create. */
  next: number;
  message: string;
  onMessageChange: (message: string) => void;
  onSave: () => void;
  onClose: () => void;
}) {
  return (
    <Modal title={`Save revision ${props.next}`} open={props.open} onClose={props.onClose}>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          props.onSave();
        }}
      >
        <TextAreaField
          label="Message (optional)"
          hint="What changed and why; shown in the revision history."
          maxLength={REVISION_MESSAGE_MAX}
          value={props.message}
          onChange={(event) => props.onMessageChange(event.target.value)}
        />
        <div className="form-actions">
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary">
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
