import { type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes, useId } from 'react';

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
      {props.error ? (
        <p className="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : props.hint ? (
        <p className="field-hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, props: FieldProps) {
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
