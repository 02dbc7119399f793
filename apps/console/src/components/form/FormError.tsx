import { useLayoutEffect, useReducer } from 'react';
import { ErrorBanner } from '../ErrorNotice.tsx';
import type { FormLevelError } from './form-errors.ts';

/**
 * The form-level error of a `useForm` form (what no shown field says), with the request id
 * to quote to support; `role="alert"` so it is announced. Place it anywhere in the form:
 * it checks again once the fields below it have rendered (they mark what they show).
 */
export function FormError({ form }: { form: { readonly formError: FormLevelError | undefined } }) {
  const [, recheck] = useReducer((count: number) => count + 1, 0);
  const error = form.formError;
  useLayoutEffect(() => {
    const now = form.formError;
    if (now?.message !== error?.message || now?.requestId !== error?.requestId) recheck();
  });
  if (!error) return null;
  return <ErrorBanner message={error.message} requestId={error.requestId} />;
}
