import { type CanvasStage, canvasEdits, EditError, parsePipeline, toCanvasModel } from '@slipway/pipeline';
import { useMemo, useRef, useState } from 'react';

/**
 * The pipeline as columns of stages with their parallel jobs. Every action edits the YAML
 * text (only the affected lines); a YAML edit redraws the canvas; while the YAML does not
 * validate, the last valid drawing stays, marked as such.
 */
export function PipelineCanvas(props: { text: string; readOnly: boolean; onChange: (text: string) => void }) {
  const lastGood = useRef<CanvasStage[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [selected, setSelected] = useState<{ stage: number; job: number } | null>(null);
  const parsed = useMemo(() => parsePipeline(props.text), [props.text]);
  if (parsed.spec) lastGood.current = toCanvasModel(parsed.spec);
  const stages = lastGood.current;
  const stale = !parsed.spec;

  const edit = (change: (text: string) => string) => {
    try {
      props.onChange(change(props.text));
      setProblem(null);
    } catch (error) {
      setProblem(error instanceof EditError ? error.message : String(error));
    }
  };

  if (!stages)
    return <div className="notice notice-error">The YAML has errors; fix them to see the canvas.</div>;
  const job = selected ? stages[selected.stage]?.jobs[selected.job] : undefined;

  return (
    <div className="canvas-wrap">
      {stale ? (
        <div className="notice notice-error" role="status">
          The YAML has errors: the canvas shows the last valid version and is read-only until they are fixed.
        </div>
      ) : null}
      {problem ? <div className="notice notice-error">{problem}</div> : null}
      <section className="canvas" aria-label="Pipeline canvas">
        {stages.map((stage) => (
          <section
            className="canvas-stage"
            key={`${stage.index}-${stage.name}`}
            aria-label={`Stage ${stage.name}`}
          >
            <header>
              {stage.name}
              {!props.readOnly && !stale ? (
                <span className="canvas-step-actions">
                  <button
                    type="button"
                    aria-label={`Move stage ${stage.name} left`}
                    disabled={stage.index === 0}
                    onClick={() => edit((t) => canvasEdits.moveStage(t, stage.index, stage.index - 1))}
                  >
                    ←
                  </button>
                  <button
                    type="button"
                    aria-label={`Move stage ${stage.name} right`}
                    disabled={stage.index === stages.length - 1}
                    onClick={() => edit((t) => canvasEdits.moveStage(t, stage.index, stage.index + 1))}
                  >
                    →
                  </button>
                  <button
                    type="button"
                    aria-label={`Remove stage ${stage.name}`}
                    disabled={stages.length < 2}
                    onClick={() => {
                      setSelected(null);
                      edit((t) => canvasEdits.removeStage(t, stage.index));
                    }}
                  >
                    ×
                  </button>
                </span>
              ) : null}
            </header>
            {stage.approval ? (
              <div className="canvas-job canvas-gate">
                Approval: {stage.approval.count} × {stage.approval.role}
              </div>
            ) : null}
            {stage.jobs.map((j) => (
              <article
                className={`canvas-job${selected?.stage === stage.index && selected.job === j.index ? ' canvas-selected' : ''}`}
                key={`${j.index}-${j.name}`}
                aria-label={`Job ${j.name}`}
              >
                <button
                  type="button"
                  className="canvas-job-title"
                  onClick={() => setSelected({ stage: stage.index, job: j.index })}
                >
                  {j.name}
                </button>
                <div className="muted small">{j.image ?? 'no image'}</div>
                <ol className="canvas-steps">
                  {j.steps.map((step) => (
                    <li className="canvas-step" key={`${step.index}-${step.name}`}>
                      <span>
                        {step.name}{' '}
                        {step.name !== step.kind ? <span className="muted small">{step.kind}</span> : null}
                      </span>
                      {!props.readOnly && !stale ? (
                        <span className="canvas-step-actions">
                          <button
                            type="button"
                            aria-label={`Move ${step.name} up`}
                            disabled={step.index === 0}
                            onClick={() =>
                              edit((t) =>
                                canvasEdits.moveStep(t, stage.index, j.index, step.index, step.index - 1),
                              )
                            }
                          >
                            ↑
                          </button>
                          <button
                            type="button"
                            aria-label={`Move ${step.name} down`}
                            disabled={step.index === j.steps.length - 1}
                            onClick={() =>
                              edit((t) =>
                                canvasEdits.moveStep(t, stage.index, j.index, step.index, step.index + 1),
                              )
                            }
                          >
                            ↓
                          </button>
                        </span>
                      ) : null}
                    </li>
                  ))}
                </ol>
                {!props.readOnly && !stale ? (
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Remove job ${j.name}`}
                    disabled={stage.jobs.length < 2}
                    title={stage.jobs.length < 2 ? 'A stage needs at least one job' : undefined}
                    onClick={() => {
                      setSelected(null);
                      edit((t) => canvasEdits.removeJob(t, stage.index, j.index));
                    }}
                  >
                    Remove job
                  </button>
                ) : null}
              </article>
            ))}
            {!props.readOnly && !stale && stage.jobs.length > 0 ? (
              <button
                type="button"
                className="button canvas-add"
                aria-label={`Add a parallel job to ${stage.name}`}
                onClick={() => {
                  const taken = new Set(stage.jobs.map((j) => j.name));
                  let n = stage.jobs.length + 1;
                  while (taken.has(`job-${n}`)) n++;
                  edit((t) =>
                    canvasEdits.addJob(t, stage.index, {
                      name: `job-${n}`,
                      image: 'alpine:3',
                      steps: [{ run: 'echo hello' }],
                    }),
                  );
                }}
              >
                + Parallel job
              </button>
            ) : null}
          </section>
        ))}
        {!props.readOnly && !stale ? (
          <button
            type="button"
            className="button canvas-add"
            onClick={() => {
              const taken = new Set(stages.map((s) => s.name));
              let n = stages.length + 1;
              while (taken.has(`stage-${n}`)) n++;
              edit((t) =>
                canvasEdits.addStage(t, {
                  name: `stage-${n}`,
                  jobs: [{ name: 'job-1', image: 'alpine:3', steps: [{ run: 'echo hello' }] }],
                }),
              );
            }}
          >
            + Stage
          </button>
        ) : null}
      </section>
      {job && selected && !stale ? (
        <aside className="canvas-panel" aria-label={`Properties of ${job.name}`}>
          <h3>{job.name}</h3>
          {(['image', 'timeout', 'retries'] as const).map((field) => (
            <label key={`${job.name}-${field}`} className="field">
              {field}
              <input
                defaultValue={job[field] === null ? '' : String(job[field])}
                readOnly={props.readOnly}
                onBlur={(event) => {
                  const raw = event.target.value.trim();
                  const value = raw === '' ? undefined : field === 'retries' ? Number(raw) : raw;
                  if (value === (job[field] ?? undefined)) return;
                  edit((t) => canvasEdits.setJobField(t, selected.stage, selected.job, field, value));
                }}
              />
            </label>
          ))}
        </aside>
      ) : null}
    </div>
  );
}
