import { type FormEvent, useState } from 'react';
import { ApiError } from '../../../api/client.ts';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FormActions } from '../../../components/FormActions.tsx';
import { TextField } from '../../../components/TextField.tsx';
import { SpecErrors, specErrorsOf } from '../editor/errors/SpecErrors.tsx';
import { diagnosePipeline, diagnoseTemplate } from '../editor/yaml/diagnostics.ts';
import { YamlEditor } from '../editor/yaml/LazyYamlEditor.tsx';

/** A name and a YAML spec (pipeline or template): spec errors listed by line, others above. */
export function NamedSpecForm(props: {
  kind: 'pipeline' | 'template';
  initialName: string;
  initialSpec: string;
  pending: boolean;
  error: unknown;
  onSubmit: (values: { name: string; spec: string }) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(props.initialName);
  const [spec, setSpec] = useState(props.initialSpec);
  const apiError = props.error instanceof ApiError ? props.error : undefined;
  const label = props.kind === 'pipeline' ? 'Pipeline' : 'Template';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit({ name, spec });
  };
  return (
    <form className="form" onSubmit={submit} aria-label={`create ${props.kind}`}>
      {apiError && apiError.statusCode !== 400 ? <ErrorNotice error={props.error} /> : null}
      <TextField
        label="Name"
        name="name"
        required
        value={name}
        error={apiError?.fieldError('body.name')}
        onChange={(e) => setName(e.target.value)}
      />
      <SpecErrors errors={specErrorsOf(props.error)} />
      <YamlEditor
        ariaLabel={`${label} YAML`}
        size="small"
        value={spec}
        onChange={setSpec}
        readOnly={false}
        // A template has inputs and a pipeline may be a short form: both checked as plain YAML plus our own validator.
        modelPath={`new-${props.kind}.yaml`}
        diagnose={props.kind === 'pipeline' ? diagnosePipeline : diagnoseTemplate}
      />
      <FormActions onCancel={props.onCancel} pending={props.pending} submitLabel={`Create ${props.kind}`} />
    </form>
  );
}
