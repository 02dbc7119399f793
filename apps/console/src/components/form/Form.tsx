import { type ReactNode, useEffect, useRef } from 'react';
import { FormActions } from '../FormActions.tsx';
import { FormError } from './FormError.tsx';
import type { FormState } from './use-form.ts';

/**
 * A `<form>` run by `useForm`: submitting goes through `form.onSubmit`, and its form-level
 * error (with the request id) comes first, after `header` if any. `label` is the form's
 * accessible name. When a submit fails, the focus moves to the first field marked invalid,
 * else to the form's error (the submit button, disabled while sending, has lost it; WCAG
 * 3.3.1 and the WAI-ARIA APG's form guidance: bring the user to what needs fixing).
 */
export function Form(props: {
  form: Pick<FormState<unknown>, 'onSubmit' | 'formError' | 'failures'>;
  label: string;
  className?: string;
  header?: ReactNode;
  children: ReactNode;
}) {
  const element = useRef<HTMLFormElement>(null);
  const { failures } = props.form;
  useEffect(() => {
    if (failures === 0) return;
    const target =
      element.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      element.current?.querySelector<HTMLElement>('[role="alert"]');
    if (target && !target.matches('input, select, textarea, button')) target.tabIndex = -1;
    target?.focus();
  }, [failures]);
  return (
    <form
      ref={element}
      onSubmit={props.form.onSubmit}
      className={props.className ?? 'form'}
      aria-label={props.label}
    >
      {props.header}
      <FormError form={props.form} />
      {props.children}
    </form>
  );
}

/**
 * Cancel and submit of a create-or-edit form: "Create <noun>" or "Save", off while the
 * submit is in flight and, when editing, while nothing differs from the stored values.
 */
export function SaveActions(props: {
  form: Pick<FormState<unknown>, 'submitting' | 'dirty'>;
  mode: 'create' | 'edit';
  /** What is created: "workspace" → "Create workspace". */
  noun: string;
  onCancel: () => void;
  pendingLabel?: string;
}) {
  return (
    <FormActions
      onCancel={props.onCancel}
      pending={props.form.submitting}
      unchanged={props.mode === 'edit' && !props.form.dirty}
      pendingLabel={props.pendingLabel ?? 'Saving…'}
      submitLabel={props.mode === 'create' ? `Create ${props.noun}` : 'Save'}
    />
  );
}
