import { type KeyboardEvent, type ReactNode, useId, useState } from 'react';
import { constraintsOf, type JsonSchema, valueSchemaOf } from '../../schema/json-schema.ts';
import {
  checkMapKey,
  type FieldKind,
  fieldKind,
  formatInput,
  formFields,
  parseInput,
  parseMapValue,
} from './schema-form.ts';

export type SetValue = (path: string[], value: unknown) => void;

interface FieldProps {
  name: string;
  path: string[];
  schema: JsonSchema;
  value: unknown;
  required: boolean;
  readOnly: boolean;
  onSet: SetValue;
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

function Hint({
  schema,
  id,
  kind,
  required,
}: {
  schema: JsonSchema;
  id: string;
  kind: FieldKind;
  required: boolean;
}) {
  const details = constraintsOf(schema).filter((detail) => !detail.startsWith('matches'));
  return (
    <span id={id} className="muted small">
      {required ? 'Required. ' : ''}
      {schema.description}
      {kind === 'list' ? ' (comma-separated)' : ''}
      {details.length > 0 ? ` — ${details.join('; ')}` : ''}
    </span>
  );
}

/** One value edited as text, applied when the input loses focus or on Enter, after checking it. */
function ScalarField(props: FieldProps & { kind: FieldKind }) {
  const { name, schema, kind } = props;
  const [error, setError] = useState<string | null>(null);
  const hintId = useId();
  const inputId = useId();
  const current = formatInput(props.value);
  const apply = (raw: string) => {
    const parsed = parseInput(kind, schema, raw, props.required);
    if (!parsed.ok) return setError(`${name} ${parsed.error}`);
    setError(null);
    if (raw.trim() === current.trim()) return;
    props.onSet(props.path, parsed.value);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      apply(event.currentTarget.value);
    }
  };
  const common = {
    id: inputId,
    'aria-describedby': hintId,
    'aria-required': props.required || undefined,
    'aria-invalid': error ? true : undefined,
    disabled: props.readOnly,
  } as const;
  let input: ReactNode;
  if (kind === 'choice' || kind === 'boolean') {
    const options = kind === 'boolean' ? ['true', 'false'] : (schema.enum ?? []).map(String);
    input = (
      <select {...common} value={current} onChange={(event) => apply(event.target.value)}>
        <option value="">
          {schema.default !== undefined ? `(default: ${String(schema.default)})` : '(not set)'}
        </option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else if (kind === 'multiline') {
    input = (
      <textarea
        {...common}
        key={current}
        className="monospace"
        rows={Math.min(8, current.split('\n').length + 1)}
        defaultValue={current}
        onBlur={(event) => apply(event.target.value)}
      />
    );
  } else {
    input = (
      <input
        {...common}
        // A new value from the YAML (another edit, undo) replaces what the input shows.
        key={current}
        type={kind === 'number' ? 'number' : 'text'}
        defaultValue={current}
        onBlur={(event) => apply(event.target.value)}
        onKeyDown={onKeyDown}
      />
    );
  }
  return (
    <div className="field schema-field">
      <label htmlFor={inputId}>{name}</label>
      {input}
      <Hint schema={schema} id={hintId} kind={kind} required={props.required} />
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** Author-named entries (env variables, parameter conditions): one row each, plus one to add. */
function MapField(props: FieldProps) {
  const { name, schema } = props;
  const entries = Object.entries(asRecord(props.value));
  const [error, setError] = useState<string | null>(null);
  const [newKey, setNewKey] = useState('');
  const [newValue, setNewValue] = useState('');
  const values = valueSchemaOf(schema) ?? {};
  const setEntry = (key: string, raw: string) => {
    const parsed = parseMapValue(schema, raw);
    if (!parsed.ok) return setError(`${name}.${key} ${parsed.error}`);
    setError(null);
    props.onSet([...props.path, key], parsed.value);
  };
  const add = () => {
    const problem = checkMapKey(schema, newKey.trim());
    if (problem) return setError(`${name}: ${problem}`);
    setEntry(newKey.trim(), newValue);
    setNewKey('');
    setNewValue('');
  };
  return (
    <fieldset className="schema-fieldset">
      <legend>{name}</legend>
      <span className="muted small">{schema.description}</span>
      {entries.map(([key, value]) => (
        <div className="schema-map-row" key={key}>
          <code>{key}</code>
          <input
            key={formatInput(value)}
            aria-label={`${name} ${key}`}
            defaultValue={formatInput(value)}
            disabled={props.readOnly}
            onBlur={(event) => {
              if (event.target.value !== formatInput(value)) setEntry(key, event.target.value);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter') setEntry(key, event.currentTarget.value);
            }}
          />
          {!props.readOnly ? (
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove ${name} ${key}`}
              onClick={() => props.onSet([...props.path, key], undefined)}
            >
              ×
            </button>
          ) : null}
        </div>
      ))}
      {!props.readOnly ? (
        <div className="schema-map-row">
          <input
            aria-label={`New ${name} name`}
            placeholder="name"
            value={newKey}
            onChange={(event) => setNewKey(event.target.value)}
          />
          <input
            aria-label={`New ${name} value`}
            placeholder={values.description ?? 'value'}
            value={newValue}
            onChange={(event) => setNewValue(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') add();
            }}
          />
          <button type="button" className="button" onClick={add}>
            Add to {name}
          </button>
        </div>
      ) : null}
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}

export function SchemaField(props: FieldProps) {
  const kind = fieldKind(props.schema, props.value);
  if (kind === 'map') return <MapField {...props} />;
  if (kind === 'object')
    return (
      <fieldset className="schema-fieldset">
        <legend>{props.name}</legend>
        <span className="muted small">{props.schema.description}</span>
        {formFields(props.schema).map((field) => (
          <SchemaField
            key={field.key}
            name={field.key}
            path={[...props.path, field.key]}
            schema={field.schema}
            value={asRecord(props.value)[field.key]}
            required={field.required}
            readOnly={props.readOnly}
            onSet={props.onSet}
          />
        ))}
      </fieldset>
    );
  if (kind === 'unsupported')
    return (
      <p className="muted small">
        {props.name}: edit this one in the YAML ({props.schema.description ?? 'no form for its type'})
      </p>
    );
  return <ScalarField {...props} kind={kind} />;
}

/**
 * A form for one object of the spec, generated by walking its JSON Schema: every property
 * gets an input fitting its type (text, number, choice, list, map, nested object), hinted
 * with the schema's description and checked against its rules before `onSet` writes it.
 */
export function SchemaForm(props: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  exclude?: readonly string[];
  readOnly: boolean;
  onSet: SetValue;
}) {
  return (
    <div className="schema-form">
      {formFields(props.schema, props.exclude).map((field) => (
        <SchemaField
          key={field.key}
          name={field.key}
          path={[field.key]}
          schema={field.schema}
          value={props.value[field.key]}
          required={field.required}
          readOnly={props.readOnly}
          onSet={props.onSet}
        />
      ))}
    </div>
  );
}
