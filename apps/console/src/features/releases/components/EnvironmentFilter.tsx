import { useId } from 'react';
import { useEnvironments } from '../../environments/api/queries.ts';

/** A select of the workspace's environments ("Any" for all); applied as soon as it changes. */
export function EnvironmentFilter(props: {
  workspace: string;
  value: string | undefined;
  onChange: (environment: string | undefined) => void;
}) {
  const id = useId();
  const environments = useEnvironments(props.workspace);
  const names = (environments.data?.items ?? []).map((environment) => environment.name);
  // A filter from the URL stays selectable while the list loads (or if it names one since deleted).
  if (props.value && !names.includes(props.value)) names.push(props.value);
  return (
    <div className="field">
      <label htmlFor={id}>Environment</label>
      <select
        id={id}
        value={props.value ?? ''}
        onChange={(event) => props.onChange(event.target.value || undefined)}
      >
        <option value="">Any</option>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}
