import type { PipelineRef } from '../../../app/paths.ts';
import { usePipeline, useSavePipeline, useValidatePipeline } from '../api/pipelines.ts';
import { usePipelineDraft } from './draft/use-pipeline-draft.ts';
import { type ShownSpecError, specErrorsOf } from './errors/SpecErrors.tsx';

/**
 * The pipeline page's data: the stored pipeline, the text being edited (a restored draft or
 * the stored spec), and the two server round trips on it — Check (the server's validator,
 * nothing stored) and Save (a new revision on top of `base`, refused with 409 when someone
 * saved meanwhile). `text` is null until the pipeline has loaded.
 */
export function usePipelineEditor(ref: PipelineRef) {
  const { workspace, project, pipeline: name } = ref;
  const pipeline = usePipeline(workspace, project, name);
  const validate = useValidatePipeline(workspace, project);
  const save = useSavePipeline(workspace, project, name);
  const draft = usePipelineDraft(`${workspace}/${project}/${name}`, pipeline.data);
  const saveErrors = specErrorsOf(save.error);
  // A failed save's line-addressed errors are the newest news; else the last Check's.
  const specErrors: ShownSpecError[] = saveErrors.length > 0 ? saveErrors : (validate.data?.errors ?? []);
  const { text, base, setBase } = draft;
  return {
    pipeline,
    validate,
    save,
    draft,
    specErrors,
    /** Whether the last Check passed and no save has failed since. */
    valid: Boolean(validate.data?.valid) && saveErrors.length === 0,
    check: () => {
      if (text !== null) validate.mutate(text);
    },
    /** Saves the text as a new revision with `message` (blank: none); `onSaved` after it is stored. */
    saveRevision: (message = '', onSaved?: () => void) => {
      if (text === null || !pipeline.data) return;
      const trimmed = message.trim();
      save.mutate(
        {
          spec: text,
          baseRevision: base ?? pipeline.data.revision,
          ...(trimmed ? { message: trimmed } : {}),
        },
        {
          onSuccess: (saved) => {
            setBase(saved.revision);
            onSaved?.();
          },
        },
      );
    },
    /** A revision saved elsewhere on the page (a restore) becomes the text being edited. */
    showSaved: (saved: { spec: string; revision: number }) => {
      draft.setText(saved.spec);
      setBase(saved.revision);
    },
  };
}
