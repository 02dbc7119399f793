import type { ReactNode } from 'react';
import { ErrorNotice } from './ErrorNotice.tsx';
import { Modal } from './Modal.tsx';

export function ConfirmDialog(props: {
  title: string;
  message: string;
  confirmLabel: string;
  open: boolean;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onClose: () => void;
  /** Shown under the message (e.g. what stopped the last attempt, with a way past it). */
  children?: ReactNode;
}) {
  return (
    <Modal title={props.title} open={props.open} onClose={props.onClose}>
      <div className="form">
        <ErrorNotice error={props.error} />
        <p>{props.message}</p>
        {props.children}
        <div className="form-actions">
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={props.pending}
            onClick={props.onConfirm}
          >
            {props.pending ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </div>
    </Modal>
  );
}
