import type { Parameter } from '@slipway/pipeline';
import { CheckboxField, SelectField, TextField } from '../../../components/TextField.tsx';
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
        <CheckboxField
          label={parameter.name}
          checked={props.value === true}
          error={error}
          {...(hint ? { hint } : {})}
          onChange={(event) => props.onChange(event.target.checked)}
        />
      );
    case 'choice':
    case 'environment':
      return (
        <SelectField
          label={label}
          value={text}
          options={(parameter.type === 'choice'
            ? (parameter.choices ?? []).map(String)
            : props.environments
          ).map((option) => ({ value: option, label: option }))}
          placeholder={parameter.type === 'choice' ? 'Choose…' : 'Choose an environment…'}
          error={error}
          {...(hint ? { hint } : {})}
          onChange={(event) => props.onChange(event.target.value)}
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
