import type { ManifestFiles, ManifestProblem } from '@slipway/contracts';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { FormActions } from '../../../components/FormActions.tsx';
import { Form } from '../../../components/form/Form.tsx';
import { TextInput } from '../../../components/form/fields.tsx';
import { useForm } from '../../../components/form/use-form.ts';
import { isJsonSchema } from '../../pipelines/schema/json-schema.ts';
import { useSaveManifestVersion, useValidateManifests } from '../api/mutations.ts';
import { type ManifestSetRef, useKubernetesSchema } from '../api/queries.ts';
import { BUILT_IN_SCHEMA_KEY } from '../editor/kubernetes-model.ts';
import {
  type CheckedProblems,
  currentProblems,
  type ManifestDraft,
  problemsOfError,
} from '../editor/manifest-files.ts';
import { KubernetesSchemaPicker } from './KubernetesSchemaPicker.tsx';
import { ManifestFilesEditor } from './ManifestFilesEditor.tsx';

/**
 * The Editor tab of a manifest set: its newest version's files, edited with the chosen
 * environment's Kubernetes schema; "Check" asks the server (and, with an environment, its
 * cluster: a server-side dry run) for problems; "Save version" saves the files as the next
 * version (`baseVersion`: someone else's save meanwhile is a 409). Problems of a check or
 * of a refused save are markers in their files and listed.
 */
/** Whether two sets of files hold the same paths, in the same order, with the same texts. */
function sameFiles(a: ManifestDraft, b: ManifestDraft): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function ManifestSetEditor(props: {
  target: ManifestSetRef;
  /** The newest version (number and files). */
  current: { version: number; files: ManifestFiles };
  canEdit: boolean;
}) {
  const { target, current, canEdit } = props;
  const [environment, setEnvironment] = useState<string | null>(null);
  const schema = useKubernetesSchema(target.workspace, environment);
  const kubernetesSchema = schema.data && isJsonSchema(schema.data) ? schema.data : undefined;
  // What the edit started from: the newest version when the page opened, or the one saved here.
  const [base, setBase] = useState<{ version: number; files: ManifestDraft }>(current);
  const [files, setFiles] = useState<ManifestDraft>(current.files);
  const [checked, setChecked] = useState<CheckedProblems | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const validate = useValidateManifests(target.workspace, target.project);
  const save = useSaveManifestVersion(target);
  const dirty = !sameFiles(files, base.files);

  // A newer version saved elsewhere replaces the files unless they hold edits.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload on a newer version only
  useEffect(() => {
    if (current.version > base.version && !dirty) {
      setBase(current);
      setFiles(current.files);
    }
  }, [current.version]);

  const problems = useMemo(() => currentProblems(checked, files), [checked, files]);

  const savedFiles = useRef<ManifestDraft>(files);
  const form = useForm({
    initial: { message: '' },
    submit: async (values: { message: string }) => {
      const sent = files;
      savedFiles.current = sent;
      try {
        return await save.mutateAsync({
          files: sent as ManifestFiles,
          baseVersion: base.version,
          ...(values.message.trim() ? { message: values.message.trim() } : {}),
        });
      } catch (error) {
        setChecked({ files: sent, problems: problemsOfError(error, sent) });
        throw error;
      }
    },
    onSuccess: (result) => {
      setSaved(result.version);
      setBase({ version: result.version, files: savedFiles.current });
      setChecked(null);
      form.reset({ message: '' });
    },
  });
  // Problems in the files are shown in them and in the list below: the form says only what else failed.
  form.error('files');

  const check = () => {
    const sent = files;
    validate.mutate(
      { files: sent as ManifestFiles, ...(environment ? { environment } : {}) },
      { onSuccess: (result) => setChecked({ files: sent, problems: result.problems }) },
    );
  };
  const checkedNow = checked !== null && checked.files === files && validate.isSuccess;

  return (
    <>
      <div className="manifest-toolbar">
        <KubernetesSchemaPicker
          workspace={target.workspace}
          environment={environment}
          onChange={setEnvironment}
        />
        <button type="button" className="button" onClick={check} disabled={validate.isPending}>
          {validate.isPending ? 'Checking…' : environment ? `Check against ${environment}` : 'Check'}
        </button>
        <span className="muted" role="status">
          {schema.isFetching
            ? `Loading the Kubernetes schema${environment ? ` of ${environment}` : ''}…`
            : checkedNow && problems.length === 0
              ? environment
                ? `No problems found, ${environment}'s cluster accepts every object (dry run).`
                : 'No problems found in the YAML, objects and placeholders; choose an environment to check against its cluster.'
              : saved !== null && saved === base.version && !dirty
                ? `Saved version ${saved}.`
                : `Editing from version ${base.version}.`}
        </span>
      </div>
      <ErrorNotice
        error={schema.error}
        title={`Cannot load the Kubernetes schema${environment ? ` of ${environment}` : ''}`}
      />
      <ErrorNotice error={validate.error} title="Cannot check the manifests" />
      <ManifestFilesEditor
        document={`${target.workspace}/${target.project}/${target.name}`}
        files={files}
        onChange={setFiles}
        readOnly={!canEdit}
        readOnlyMessage="You may read these manifests but not change them (that needs config.edit)."
        schemaKey={environment ?? BUILT_IN_SCHEMA_KEY}
        kubernetesSchema={kubernetesSchema}
        problems={problems as ManifestProblem[]}
      />
      {canEdit ? (
        <Form form={form} label="Save manifest version">
          <TextInput label="Message" field={form.field('message')} placeholder="What changed and why" />
          <FormActions
            submitLabel="Save version"
            pending={form.submitting}
            unchanged={!dirty}
            onCancel={
              dirty
                ? () => {
                    setFiles(base.files);
                    setChecked(null);
                  }
                : undefined
            }
          />
        </Form>
      ) : null}
    </>
  );
}
