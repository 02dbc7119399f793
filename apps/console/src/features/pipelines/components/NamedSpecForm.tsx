import { useState } from 'react';
import { FormActions } from '../../../components/FormActions.tsx';
import { Form } from '../../../components/form/Form.tsx';
import { TextInput } from '../../../components/form/fields.tsx';
import { useForm } from '../../../components/form/use-form.ts';
import { type ShownSpecError, SpecErrors, specErrorsOf } from '../editor/errors/SpecErrors.tsx';
import { diagnosePipeline, diagnoseTemplate } from '../editor/yaml/diagnostics.ts';
import { YamlEditor } from '../editor/yaml/LazyYamlEditor.tsx';

/** What the form sends: the name and the YAML text. */
export type NamedSpecValues = { name: string; spec: string };

/**
 * A name and a YAML spec (pipeline or template), as the create dialogs ask for them. A
 * rejected spec's errors are listed by line:column above the editor; the name's beside it;
 * anything else above the form with its request id. Editing a field clears its errors.
 */
export function NamedSpecForm<R>(props: {
  kind: 'pipeline' | 'template';
  initialName: string;
  initialSpec: string;
  /** Sends the values (a mutation's `mutateAsync`); its rejection shows in the form. */
  submit: (values: NamedSpecValues) => Promise<R>;
  onSuccess: (result: R) => void;
  onCancel: () => void;
}) {
  // The line-addressed spec errors of the last rejection: useForm keeps each detail's
  // field and message, the list needs its line and column too.
  const [specErrors, setSpecErrors] = useState<ShownSpecError[]>([]);
  const form = useForm<NamedSpecValues, R>({
    initial: { name: props.initialName, spec: props.initialSpec },
    submit: (values) =>
      props.submit(values).catch((error: unknown) => {
        setSpecErrors(specErrorsOf(error));
        throw error;
      }),
    onSuccess: props.onSuccess,
  });
  // Read for every render, so that the spec's errors count as shown (not repeated above).
  const specError = form.error('spec');
  const label = props.kind === 'pipeline' ? 'Pipeline' : 'Template';
  return (
    <Form form={form} label={`create ${props.kind}`}>
      <TextInput label="Name" required field={form.field('name')} />
      <SpecErrors errors={specErrors} />
      {specError && specErrors.length === 0 ? <p className="field-error">{specError}</p> : null}
      <YamlEditor
        ariaLabel={`${label} YAML`}
        size="small"
        value={form.values.spec}
        onChange={(spec) => {
          form.set('spec', spec);
          setSpecErrors([]);
        }}
        readOnly={false}
        // A template has inputs and a pipeline may be a short form: both checked as plain YAML plus our own validator.
        modelPath={`new-${props.kind}.yaml`}
        diagnose={props.kind === 'pipeline' ? diagnosePipeline : diagnoseTemplate}
      />
      <FormActions onCancel={props.onCancel} pending={form.submitting} submitLabel={`Create ${props.kind}`} />
    </Form>
  );
}
