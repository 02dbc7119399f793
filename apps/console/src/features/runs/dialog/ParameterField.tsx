import type { Parameter } from '@slipway/pipeline';
import { useId } from 'react';
import { TextField } from '../../../components/TextField.tsx';
import type { ParameterInput } from './run-form.ts';

function hintOf(parameter: Parameter): string | undefined {
  const parts = [
    parameter.description,
    parameter.pattern ? `must match ${parameter.pattern}` : undefined,
    parameter.type === 'number' && parameter.min !== undefined ? `at least ${parameter.min}` : undefined,
    parameter.type === 'number' && parameter.max !== undefined ? `at most ${parameter.max}` : undefined,
    parameter.type === 'secret' ? 'masked in logs, never shown again' : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

function SelectField(props: {
  label: string;
  value: string;
  options: readonly string[];
  placeholder: string;
  hint: string | undefined;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  const id = useId();
  const described = props.error ? `${id}-error` : props.hint ? `${id}-hint` : undefined;
  return (
    <div className={`field${props.error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described}
        onChange={(event) => props.onChange(event.target.value)}
      >
        <option value="">{props.placeholder}</option>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
      {props.error ? (
        <p className="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : props.hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

/** One input per parameter, chosen by its type; the server's message for it shows beneath. */
export function ParameterField(props: {
  parameter: Parameter;
  value: ParameterInput | undefined;
  environments: readonly string[];
  error: string | undefined;
  onChange: (value: ParameterInput) => void;
}) {
  const { parameter, error } = props;
  const required = parameter.required ?? parameter.default === undefined;
  const label = required && parameter.type !== 'boolean' ? `${parameter.name} *` : parameter.name;
  const hint = hintOf(parameter);
  const text = typeof props.value === 'string' ? props.value : '';
  switch (parameter.type) {
    case 'boolean':
      return (
        <div className={`field${error ? ' field-invalid' : ''}`}>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={props.value === true}
              onChange={(event) => props.onChange(event.target.checked)}
            />
            {parameter.name}
          </label>
          {error ? (
            <p className="field-error">{error}</p>
          ) : hint ? (
            <p className="field-hint">{hint}</p>
          ) : null}
        </div>
      );
    case 'choice':
    case 'environment':
      return (
        <SelectField
          label={label}
          value={text}
          options={parameter.type === 'choice' ? (parameter.choices ?? []).map(String) : props.environments}
          placeholder={parameter.type === 'choice' ? 'Choose…' : 'Choose an environment…'}
          hint={hint}
          error={error}
          onChange={props.onChange}
        />
      );
    default:
      return (
        <TextField
          label={label}
          name={`parameter-${parameter.name}`}
          type={parameter.type === 'secret' ? 'password' : parameter.type === 'number' ? 'number' : 'text'}
          step={parameter.type === 'number' ? 'any' : undefined}
          autoComplete={parameter.type === 'secret' ? 'new-password' : 'off'}
          value={text}
          error={error}
          {...(hint ? { hint } : {})}
          onChange={(event) => props.onChange(event.target.value)}
        />
      );
  }
}
