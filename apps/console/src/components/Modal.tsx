import { type ReactNode, useEffect, useId, useRef } from 'react';

/** A native <dialog>: focus trapping, Escape and the backdrop come from the browser. Named by its title. */
export function Modal(props: { title: ReactNode; open: boolean; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog ref={ref} className="modal" aria-labelledby={titleId} onClose={props.onClose}>
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
