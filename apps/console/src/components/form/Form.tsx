import type { ReactNode } from 'react';
import { FormError } from './FormError.tsx';
import type { FormState } from './use-form.ts';

/**
 * A `<form>` run by `useForm`: submitting goes through `form.onSubmit`, and its form-level
 * error (with the request id) comes first, after `header` if any. `label` is the form's
 * accessible name.
 */
export function Form(props: {
  form: Pick<FormState<unknown>, 'onSubmit' | 'formError'>;
  label: string;
  className?: string;
  header?: ReactNode;
  children: ReactNode;
}) {
  return (
    <form onSubmit={props.form.onSubmit} className={props.className ?? 'form'} aria-label={props.label}>
      {props.header}
      <FormError form={props.form} />
      {props.children}
    </form>
  );
}
