import { type ReactNode, type SyntheticEvent, useEffect, useId, useRef } from 'react';

/**
 * A native <dialog> opened with `showModal()`: focus trapping, the backdrop and focus return
 * come from the browser. Named by its title.
 *
 * `open` alone decides whether it shows; the dialog reports the user's wish to close with
 * `onClose` and waits for `open` to turn false:
 * - Escape fires the dialog's `cancel` event with the key press: that calls `onClose` at once
 *   and keeps the dialog open (`preventDefault`) until the page closes it. Closing natively
 *   instead leaves the page's state saying "open" until the `close` event, which the HTML
 *   standard queues as a task (Chromium: at the next animation frame), so a press of the
 *   button that opens the dialog, arriving in between, changed nothing and was lost (#16).
 * - The `close` event calls `onClose` only for a close the page did not ask for (a cancel the
 *   browser would not let be prevented, a `method="dialog"` form): never for the late event of
 *   a close that `open` turning false made, which would close a dialog opened again since.
 */
export function Modal(props: { title: ReactNode; open: boolean; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // Whether the page last asked for the dialog open, for the `close` event that comes late.
  const wanted = useRef(props.open);
  useEffect(() => {
    wanted.current = props.open;
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  const onCancel = (event: SyntheticEvent<HTMLDialogElement>) => {
    event.preventDefault();
    props.onClose();
  };
  const onClose = (event: SyntheticEvent<HTMLDialogElement>) => {
    if (wanted.current && !event.currentTarget.open) props.onClose();
  };
  return (
    <dialog ref={ref} className="modal" aria-labelledby={titleId} onCancel={onCancel} onClose={onClose}>
      <header className="modal-header">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={props.onClose}>
          ×
        </button>
      </header>
      {props.open ? props.children : null}
    </dialog>
  );
}
