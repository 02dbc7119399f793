// Field components bound to `useForm`: `<TextInput label="Name" field={form.field('name')} />`
// passes the value, the change handler and the field's server error in one prop.
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../TextField.tsx';

/** What a bound field needs from `form.field(key)`. */
export interface Bound<T> {
  name: string;
  value: T;
  onChange: (value: T) => void;
  error?: string | undefined;
}

/** The props of a native control that edits `field` as text (input, textarea, select). */
function asText(field: Bound<string>) {
  return {
    name: field.name,
    value: field.value,
    error: field.error,
    onChange: (event: { target: { value: string } }) => field.onChange(event.target.value),
  };
}

type Unbound<A> = Omit<A, 'name' | 'value' | 'onChange' | 'checked'> & { label: string; hint?: string };

/** A text input (also password, url, email…) bound to a string value. */
export function TextInput({
  field,
  ...input
}: Unbound<InputHTMLAttributes<HTMLInputElement>> & { field: Bound<string> }) {
  return <TextField {...input} {...asText(field)} />;
}

/** A number input bound to a number value (an emptied box reads as 0). */
export function NumberInput({
  field,
  ...input
}: Unbound<InputHTMLAttributes<HTMLInputElement>> & { field: Bound<number> }) {
  return (
    <TextField
      {...input}
      type="number"
      name={field.name}
      value={field.value}
      error={field.error}
      onChange={(event) => field.onChange(Number(event.target.value))}
    />
  );
}

/** A textarea bound to a string value. */
export function TextAreaInput({
  field,
  ...textarea
}: Unbound<TextareaHTMLAttributes<HTMLTextAreaElement>> & { field: Bound<string> }) {
  return <TextAreaField {...textarea} {...asText(field)} />;
}

/** A select bound to a string value; `placeholder` is the empty choice (disabled when required). */
export function SelectInput({
  field,
  ...select
}: Unbound<SelectHTMLAttributes<HTMLSelectElement>> & {
  field: Bound<string>;
  options: readonly { value: string; label: string }[];
  placeholder?: string;
}) {
  return <SelectField {...select} {...asText(field)} />;
}

/** A checkbox bound to a boolean value. */
export function CheckboxInput({
  field,
  ...input
}: Omit<Unbound<InputHTMLAttributes<HTMLInputElement>>, 'label' | 'type'> & {
  label: ReactNode;
  field: Bound<boolean>;
}) {
  return (
    <CheckboxField
      {...input}
      name={field.name}
      checked={field.value}
      error={field.error}
      onChange={(event) => field.onChange(event.target.checked)}
    />
  );
}
