import { type CanvasStage, type EditPath, type StepKind, setDeployValue, setIn } from '@slipway/pipeline';
import { Link } from 'react-router';
import { paths } from '../../../../app/paths.ts';
import { type JsonSchema, schemaAt, variantsOf } from '../../schema/json-schema.ts';
import { SchemaForm } from '../form/SchemaForm.tsx';
import type { CanvasSelection } from './canvas-flow.ts';

const STEP_KEYS: Record<StepKind, string> = {
  run: 'run',
  'build-image': 'buildImage',
  approval: 'approval',
  deploy: 'deploy',
};

interface Target {
  title: string;
  schema: JsonSchema;
  /** Edited on the canvas itself, not in the form. */
  exclude: string[];
  path: EditPath;
  anchor: string;
  /** How a value at `path` (relative to the target) is written into the text. */
  write: (text: string, path: EditPath, value: unknown) => string;
}

/** The schema and place in the document of what is selected. */
function targetOf(
  root: JsonSchema,
  stages: readonly CanvasStage[],
  selection: CanvasSelection,
): Target | null {
  if (!selection) return null;
  const stage = stages[selection.stage];
  if (!stage) return null;
  if (selection.kind === 'stage') {
    const schema = schemaAt(root, ['stages']);
    // A stage holds either jobs (drawn on the canvas) or an approval gate.
    const exclude = stage.approval ? ['jobs'] : ['jobs', 'approval'];
    return schema
      ? {
          title: `Stage ${stage.name}`,
          schema,
          exclude,
          path: ['stages', stage.index],
          anchor: 'stages',
          write: setAt(['stages', stage.index]),
        }
      : null;
  }
  const job = stage.jobs[selection.job];
  if (!job) return null;
  const jobPath: EditPath = ['stages', stage.index, 'jobs', job.index];
  if (selection.kind === 'job') {
    const schema = schemaAt(root, ['stages', 'jobs']);
    return schema
      ? {
          title: `Job ${job.name}`,
          schema,
          exclude: ['steps'],
          path: jobPath,
          anchor: 'stages.jobs',
          write: setAt(jobPath),
        }
      : null;
  }
  const step = job.steps[selection.step];
  const steps = schemaAt(root, ['stages', 'jobs', 'steps']);
  if (!step || !steps) return null;
  const key = STEP_KEYS[step.kind];
  const schema = variantsOf(steps).find((variant) => variant.required?.includes(key));
  const stepPath = [...jobPath, 'steps', step.index];
  return schema
    ? {
        title: `Step ${step.name} of ${job.name}`,
        schema,
        exclude: [],
        path: stepPath,
        anchor: `stages.jobs.steps.${key}`,
        // A deploy step's manifests and path replace each other in one edit.
        write:
          step.kind === 'deploy'
            ? (text, path, value) => setDeployValue(text, stepPath, path, value)
            : setAt(stepPath),
      }
    : null;
}

/** Writes values below `base` with the comment-preserving setIn. */
function setAt(base: EditPath): Target['write'] {
  return (text, path, value) => setIn(text, [...base, ...path], value);
}

function valueAt(raw: unknown, path: EditPath): Record<string, unknown> {
  let current: unknown = raw;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return {};
    current = (current as Record<string | number, unknown>)[segment];
  }
  return typeof current === 'object' && current !== null ? (current as Record<string, unknown>) : {};
}

/**
 * The properties of the selected stage, job or step as a form generated from the JSON
 * Schema; each change is one comment-preserving edit of the YAML (setIn).
 */
export function PropertiesPanel(props: {
  schema: JsonSchema;
  stages: readonly CanvasStage[];
  selection: CanvasSelection;
  /** The document as plain data (not defaults-filled: the form shows what the YAML says). */
  raw: unknown;
  readOnly: boolean;
  edit: (change: (text: string) => string) => void;
  onClose: () => void;
}) {
  const target = targetOf(props.schema, props.stages, props.selection);
  if (!target) return null;
  return (
    <aside className="canvas-panel" aria-label={`Properties of ${target.title}`}>
      <header className="canvas-panel-header">
        <h3>{target.title}</h3>
        <button
          type="button"
          className="icon-button"
          aria-label="Close the properties"
          onClick={props.onClose}
        >
          ×
        </button>
      </header>
      <p className="muted small">
        {target.schema.description}{' '}
        <Link to={paths.pipelineSpecDocs(target.anchor)} target="_blank">
          Reference
        </Link>
      </p>
      {props.readOnly ? <p className="muted small">Read-only.</p> : null}
      <SchemaForm
        // A different selection is a different form (fresh inputs and messages).
        key={target.path.join('.')}
        schema={target.schema}
        value={valueAt(props.raw, target.path)}
        exclude={target.exclude}
        readOnly={props.readOnly}
        onSet={(path, value) => props.edit((text) => target.write(text, path, value))}
      />
    </aside>
  );
}
