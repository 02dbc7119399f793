import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from 'react';

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: string;
}

function Field(props: FieldProps & { id: string; children: ReactNode }) {
  return (
    <div className={`field${props.error ? ' field-invalid' : ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      <FieldMessage {...props} />
    </div>
  );
}

/** The error under a control, else its hint; `aria-describedby` of the control names it. */
function FieldMessage(props: { id: string; error?: string | undefined; hint?: string }) {
  return (
    <>
      {props.error ? (
        <p className="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : props.hint ? (
        <p className="field-hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </>
  );
}

function describedBy(id: string, props: Omit<FieldProps, 'label'>) {
  return {
    id,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': props.error ? `${id}-error` : props.hint ? `${id}-hint` : undefined,
  };
}

export function TextField({
  label,
  error,
  hint,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & FieldProps) {
  const id = useId();
  const field = { label, error, ...(hint ? { hint } : {}) };
  return (
    <Field id={id} {...field}>
      <input {...describedBy(id, field)} {...input} />
    </Field>
  );
}

export function TextAreaField({
  label,
  error,
  hint,
  ...textarea
}: TextareaHTMLAttributes<HTMLTextAreaElement> & FieldProps) {
  const id = useId();
  const field = { label, error, ...(hint ? { hint } : {}) };
  return (
    <Field id={id} {...field}>
      <textarea rows={3} {...describedBy(id, field)} {...textarea} />
    </Field>
  );
}

/** A labelled `<select>`; `placeholder` adds a disabled first option shown while nothing is chosen. */
export function SelectField({
  label,
  error,
  hint,
  options,
  placeholder,
  ...select
}: SelectHTMLAttributes<HTMLSelectElement> &
  FieldProps & { options: readonly { value: string; label: string }[]; placeholder?: string }) {
  const id = useId();
  const field = { label, error, ...(hint ? { hint } : {}) };
  return (
    <Field id={id} {...field}>
      <select {...describedBy(id, field)} {...select}>
        {placeholder !== undefined ? (
          <option value="" disabled={select.required}>
            {placeholder}
          </option>
        ) : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A checkbox with its label beside it; the hint or error below, when there is one. */
export function CheckboxField({
  label,
  error,
  hint,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> & Omit<FieldProps, 'label'> & { label: ReactNode }) {
  const id = useId();
  const message = { error, ...(hint ? { hint } : {}) };
  const checkbox = (
    <label className="checkbox">
      <input type="checkbox" {...describedBy(id, message)} {...input} />
      {label}
    </label>
  );
  if (!error && !hint) return checkbox;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      {checkbox}
      <FieldMessage id={id} {...message} />
    </div>
  );
}
