import { type ReactNode, useCallback, useRef, useState } from 'react';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { Modal } from '../Modal.tsx';

/** What the dialog's extra content can use: the last attempt's error and a way to run another action. */
export interface ConfirmState {
  error: unknown;
  pending: boolean;
  /** Runs `action` as the confirmation (e.g. "Cancel 1 run and delete"); closes the dialog on success. */
  run: (action: () => Promise<unknown>) => void;
}

/** What `confirm` asks. `title`, `body`, `confirmLabel`, `danger` are the issue #12 contract. */
export interface ConfirmOptions {
  title: ReactNode;
  body?: ReactNode;
  confirmLabel: string;
  /** A red confirm button (deletes). */
  danger?: boolean;
  /**
   * Runs on confirm with the dialog still open (button shows "Working…"); a failure stays in the
   * dialog with its request id, and `confirm` resolves `true` only once it succeeds.
   * Without it, `confirm` resolves `true` as soon as the button is clicked.
   */
  action?: () => Promise<unknown>;
  /** More content under the body, redrawn with the attempt's state (e.g. `ActiveRunsRefusal`). */
  extra?: (state: ConfirmState) => ReactNode;
}

interface Request {
  options: ConfirmOptions;
  resolve: (confirmed: boolean) => void;
}

/**
 * A confirmation dialog for a page, in place of per-page dialog state: render `dialog` once,
 * then `if (await confirm({...})) …` — it resolves `false` on Cancel, Escape or ×.
 */
export function useConfirm(): {
  confirm: (options: ConfirmOptions) => Promise<boolean>;
  dialog: ReactNode;
} {
  const [request, setRequest] = useState<Request | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // The open request, for handlers that run after an await (the state above may be stale).
  const open = useRef<Request | null>(null);

  const confirm = useCallback(
    (options: ConfirmOptions) =>
      new Promise<boolean>((resolve) => {
        open.current?.resolve(false);
        const next = { options, resolve };
        open.current = next;
        setError(null);
        setPending(false);
        setRequest(next);
      }),
    [],
  );

  const finish = (confirmed: boolean) => {
    const current = open.current;
    open.current = null;
    setRequest(null);
    setError(null);
    setPending(false);
    current?.resolve(confirmed);
  };

  const run = (action: () => Promise<unknown>) => {
    setPending(true);
    setError(null);
    action().then(
      () => finish(true),
      (failure: unknown) => {
        setError(failure);
        setPending(false);
      },
    );
  };

  const options = request?.options;
  const dialog = (
    <Modal title={options?.title ?? ''} open={request !== null} onClose={() => finish(false)}>
      {options ? (
        <div className="form">
          <ErrorNotice error={error} />
          {typeof options.body === 'string' ? <p>{options.body}</p> : options.body}
          {options.extra?.({ error, pending, run })}
          <div className="form-actions">
            <button type="button" className="button" onClick={() => finish(false)}>
              Cancel
            </button>
            <button
              type="button"
              className={options.danger ? 'button button-danger' : 'button button-primary'}
              disabled={pending}
              onClick={() => {
                const action = options.action;
                if (action) run(action);
                else finish(true);
              }}
            >
              {pending ? 'Working…' : options.confirmLabel}
            </button>
          </div>
        </div>
      ) : null}
    </Modal>
  );
  return { confirm, dialog };
}
