import type { Pipeline } from '@slipway/contracts';
import { templateRefOf } from '@slipway/pipeline';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { type PipelineRef, paths } from '../../../app/paths.ts';
import { usePipelineJsonSchema } from '../api/pipeline-schema.ts';
import { withDocLinks } from '../schema/json-schema.ts';
import { PipelineCanvas } from './canvas/LazyPipelineCanvas.tsx';
import { diagnosePipeline } from './yaml/diagnostics.ts';
import { YamlEditor } from './yaml/LazyYamlEditor.tsx';
import { PIPELINE_MODEL_SUFFIX } from './yaml/yaml-editor-props.ts';

/**
 * One pipeline's spec, edited two ways at once: on the canvas (stages, jobs, steps and their
 * properties) and as YAML (Monaco, checked against the pipeline JSON Schema). Both edit the
 * same `text`; both load lazily, in their own chunks. A pipeline using a template is drawn
 * expanded and read-only; its short form is edited as YAML.
 */
export function PipelineEditor(props: {
  target: PipelineRef;
  /** The stored pipeline: its template, if any, and the spec expanded from it. */
  pipeline: Pick<Pipeline, 'template' | 'expanded'>;
  text: string;
  onChange: (text: string) => void;
  /** Whether this user may edit (pipeline.edit). */
  canEdit: boolean;
}) {
  const { target, pipeline, text } = props;
  const jsonSchema = usePipelineJsonSchema();
  const editorSchema = useMemo(
    () => (jsonSchema.data ? withDocLinks(jsonSchema.data, window.location.origin) : undefined),
    [jsonSchema.data],
  );
  const usesTemplate = useMemo(() => templateRefOf(text) !== null, [text]);
  const modelPath = `pipelines/${target.workspace}/${target.project}/${target.pipeline}`;
  return (
    <>
      {pipeline.template ? (
        <div className="notice notice-info" role="status">
          Uses template{' '}
          <Link to={paths.templates(target.workspace)}>
            {pipeline.template.name}@{pipeline.template.version}
          </Link>
          : the canvas shows the expanded pipeline (read-only); edit the short form below.
        </div>
      ) : null}
      <PipelineCanvas
        text={pipeline.template && pipeline.expanded ? pipeline.expanded : text}
        readOnly={!props.canEdit || Boolean(pipeline.template)}
        onChange={props.onChange}
        schema={jsonSchema.data}
      />
      <YamlEditor
        ariaLabel="Pipeline YAML"
        value={text}
        onChange={props.onChange}
        readOnly={!props.canEdit}
        readOnlyMessage="You may read this pipeline but not edit it (that needs pipeline.edit)."
        modelPath={`${modelPath}${usesTemplate ? '.yaml' : PIPELINE_MODEL_SUFFIX}`}
        schema={editorSchema}
        diagnose={diagnosePipeline}
      />
      {pipeline.expanded ? (
        <details className="expanded-spec">
          <summary>Expanded pipeline</summary>
          <pre className="spec-editor monospace">{pipeline.expanded}</pre>
        </details>
      ) : null}
    </>
  );
}
