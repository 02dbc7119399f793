import { RUN_STATUSES, type RunStatus } from '@slipway/contracts';
import { type FormEvent, useId, useState } from 'react';
import { TextField } from '../../../components/TextField.tsx';
import { useEnvironments } from '../../environments/api/queries.ts';
import type { RunFilters as Filters, PipelineRef } from '../api/keys.ts';

function FilterSelect(props: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        <option value="">Any</option>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * The run history's filter bar: status, release type, environment (the workspace's) and who
 * started the run. Applied on "Filter" (the server filters; an empty field means any).
 */
export function RunFilters(props: {
  target: PipelineRef;
  releaseTypes: readonly string[];
  onApply: (filters: Filters) => void;
}) {
  const environments = useEnvironments(props.target.workspace);
  const [draft, setDraft] = useState({ status: '', releaseType: '', environment: '', triggeredBy: '' });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onApply({
      ...(draft.status ? { status: draft.status as RunStatus } : {}),
      ...(draft.releaseType ? { releaseType: draft.releaseType } : {}),
      ...(draft.environment ? { environment: draft.environment } : {}),
      ...(draft.triggeredBy.trim() ? { triggeredBy: draft.triggeredBy.trim() } : {}),
    });
  };
  const set = (key: keyof typeof draft) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));
  return (
    <form className="filters" aria-label="run filters" onSubmit={submit}>
      <FilterSelect label="Status" value={draft.status} options={RUN_STATUSES} onChange={set('status')} />
      <FilterSelect
        label="Release type"
        value={draft.releaseType}
        options={props.releaseTypes}
        onChange={set('releaseType')}
      />
      <FilterSelect
        label="Environment"
        value={draft.environment}
        options={(environments.data?.items ?? []).map((env) => env.name)}
        onChange={set('environment')}
      />
      <TextField
        label="Started by"
        value={draft.triggeredBy}
        onChange={(event) => set('triggeredBy')(event.target.value)}
      />
      <button type="submit" className="button">
        Filter
      </button>
    </form>
  );
}
