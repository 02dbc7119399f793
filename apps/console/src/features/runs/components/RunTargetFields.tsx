import type { Parameter } from '@slipway/pipeline';
import { type Bound, SelectInput, TextAreaInput } from '../../../components/form/fields.tsx';

/** An environment as the environment list returns it (name, and whether it is production). */
interface EnvironmentOption {
  name: string;
  production: boolean;
}

/**
 * The fields naming the run a form starts later (a webhook delivery, a schedule's tick): release
 * type (only when the pipeline declares some), environment, and the parameters as `name=value`
 * lines, with the parameters the chosen release type asks for named in the hint.
 */
export function RunTargetFields(props: {
  releaseTypes: string[];
  environments: EnvironmentOption[];
  /** The parameters the chosen release type asks for. */
  asked: Parameter[];
  releaseType: Bound<string>;
  environment: Bound<string>;
  parameters: Bound<string>;
}) {
  const { releaseTypes, asked } = props;
  return (
    <>
      {releaseTypes.length > 0 ? (
        <SelectInput
          label="Release type"
          required
          placeholder="Choose…"
          options={releaseTypes.map((name) => ({ value: name, label: name }))}
          field={props.releaseType}
        />
      ) : null}
      <SelectInput
        label="Environment"
        required
        placeholder="Choose…"
        options={props.environments.map((e) => ({
          value: e.name,
          label: e.production ? `${e.name} (production)` : e.name,
        }))}
        field={props.environment}
      />
      <TextAreaInput
        label="Parameters"
        placeholder="name=value"
        hint={
          asked.length > 0
            ? `One name=value per line. This release type asks for: ${asked.map((p) => p.name).join(', ')}.`
            : 'One name=value per line.'
        }
        field={props.parameters}
      />
    </>
  );
}
