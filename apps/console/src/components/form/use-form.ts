import { type FormEvent, useRef, useState } from 'react';
import {
  clientFailure,
  type Failure,
  type FormLevelError,
  failureOf,
  formLevelError,
  isWithin,
  messageAt,
  sameValues,
  withoutField,
} from './form-errors.ts';

/** How a form starts and what submitting it does. */
export interface UseFormOptions<V extends Record<string, unknown>, R> {
  /** The values the form starts from; `dirty` compares against them (until a submit succeeds or `reset`). */
  initial: V;
  /** Sends the values, usually `mutation.mutateAsync`; a rejection becomes field and form errors. */
  submit: (values: V) => Promise<R>;
  /** Called with the submit's result once it resolved (close the dialog, navigate…). */
  onSuccess?: (result: R, values: V) => void;
  /**
   * Checks made before sending (e.g. lines that do not parse): messages by field path;
   * any message stops the submit and shows at its field, like a server's field error.
   */
  validate?: (values: V) => Readonly<Record<string, string | undefined>>;
  /**
   * Where the API reports a value when that is not its key (`requiredApprovals` sent as
   * `approvalPolicy.requiredApprovals`): `field(key)` shows, and editing clears, errors there.
   */
  paths?: { readonly [K in keyof V]?: string };
}

/** What `field(key)` hands to a field component: the value, its setter and its error. */
export interface FieldBinding<K extends string, T> {
  name: K;
  value: T;
  onChange: (value: T) => void;
  error?: string;
}

/** One form's state: values, errors from the last submit, and the submit itself. */
export interface FormState<V> {
  values: V;
  /** Sets one value and clears that field's errors (stale errors clear on edit). */
  set: <K extends keyof V>(key: K, value: V[K]) => void;
  /** Sets several values at once (a name the slug follows), clearing each one's errors. */
  update: (patch: Partial<V>) => void;
  /** The binding for one field; calling it marks the field's errors as shown there. */
  field: <K extends keyof V & string>(key: K) => FieldBinding<K, V[K]>;
  /**
   * The error at a field path (`repoUrl`, `parameters`: the API's `details` field without
   * its `body.` prefix, nested paths included). Calling it marks the path as shown.
   */
  error: (path: string) => string | undefined;
  /**
   * What no shown field says, with the request id: the whole message when no field shows
   * it, the details no field shows, or a pointer to the marked fields. Read it after the
   * fields (as `<FormError>` does, in a layout effect) so it knows which fields are shown.
   */
  formError: FormLevelError | undefined;
  /** Whether a submit is in flight (a second submit is ignored meanwhile). */
  submitting: boolean;
  /** How many submits have failed (client checks or the API): `<Form>` moves the focus on each. */
  failures: number;
  /** Whether the values differ (structurally) from the ones the form started from. */
  dirty: boolean;
  /** Back to `values` (or the starting values), which become the new start; errors cleared. */
  reset: (values?: V) => void;
  /** The `<form onSubmit>` handler: prevents the page load, submits, maps an ApiError to errors. */
  onSubmit: (event?: FormEvent) => void;
}

/**
 * A form's values, submit state and server errors, in the shape every console form uses.
 * Field errors come from the API's error `details` (one `{ field: 'body.x', message }`
 * per problem, see the API's error handler), as react-hook-form's `setError(name)` after a
 * failed submit does; editing a field drops its errors (react-hook-form keeps server errors
 * until then too); anything no shown field says is the form-level error, with the request id.
 */
export function useForm<V extends Record<string, unknown>, R>(options: UseFormOptions<V, R>): FormState<V> {
  const [values, setValues] = useState<V>(options.initial);
  const [start, setStart] = useState<V>(options.initial);
  const [failure, setFailure] = useState<Failure | undefined>(undefined);
  const [submitting, setSubmitting] = useState(false);
  const [failures, setFailures] = useState(0);
  const inFlight = useRef(false);
  // The paths this render shows a message at: fields register while rendering, the form
  // error is read after them (FormError reads it again in a layout effect).
  const shown = new Set<string>();

  const error = (path: string) => {
    shown.add(path);
    return messageAt(failure, path);
  };
  const pathOf = (key: keyof V & string) => options.paths?.[key] ?? key;
  const update = (patch: Partial<V>) => {
    setValues((current) => ({ ...current, ...patch }));
    const edited = Object.keys(patch).map(pathOf);
    setFailure((current) => edited.reduce(withoutField, current));
  };
  const set = <K extends keyof V>(key: K, value: V[K]) => update({ [key]: value } as unknown as Partial<V>);

  const onSubmit = (event?: FormEvent) => {
    event?.preventDefault();
    if (inFlight.current) return;
    const early = options.validate ? clientFailure(options.validate(values)) : undefined;
    setFailure(early);
    if (early) {
      setFailures((count) => count + 1);
      return;
    }
    inFlight.current = true;
    setSubmitting(true);
    const sent = values;
    options.submit(sent).then(
      (result) => {
        inFlight.current = false;
        setSubmitting(false);
        setStart(sent);
        options.onSuccess?.(result, sent);
      },
      (thrown: unknown) => {
        inFlight.current = false;
        setSubmitting(false);
        setFailure(failureOf(thrown));
        setFailures((count) => count + 1);
      },
    );
  };

  return {
    values,
    set,
    update,
    field: (key) => {
      const message = error(pathOf(key));
      return {
        name: key,
        value: values[key],
        onChange: (value) => set(key, value),
        ...(message ? { error: message } : {}),
      };
    },
    error,
    get formError() {
      return formLevelError(failure, (path) => [...shown].some((at) => isWithin(path, at)));
    },
    submitting,
    failures,
    dirty: !sameValues(values, start),
    reset: (next) => {
      const to = next ?? start;
      setValues(to);
      setStart(to);
      setFailure(undefined);
    },
    onSubmit,
  };
}
