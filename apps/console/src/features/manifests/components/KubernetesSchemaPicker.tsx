import { SelectField } from '../../../components/TextField.tsx';
import { useEnvironments } from '../../environments/api/queries.ts';

/**
 * "Schema from environment": the environment whose cluster's schema (its OpenAPI v3, CRDs
 * included) the editor checks against and completes from; none = the built-in core kinds.
 * Environments without a cluster have no schema of their own and are not offered.
 */
export function KubernetesSchemaPicker(props: {
  workspace: string;
  environment: string | null;
  onChange: (environment: string | null) => void;
}) {
  const environments = useEnvironments(props.workspace);
  const options = [
    { value: '', label: 'none (built-in schema)' },
    ...(environments.data?.items ?? [])
      .filter((environment) => environment.cluster !== null)
      .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name))
      .map((environment) => ({
        value: environment.name,
        label: `${environment.name} (${environment.cluster})`,
      })),
  ];
  return (
    <SelectField
      label="Schema from environment"
      value={props.environment ?? ''}
      options={options}
      onChange={(event) => props.onChange(event.target.value || null)}
    />
  );
}
