import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toCanvasModel } from './canvas-model.ts';
import { canvasEdits, EditError } from './document-edits.ts';
import { parsePipeline } from './parse.ts';

const CORPUS = ['shop-api.yaml', 'commented.yaml'].map((name) => ({
  name,
  text: readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'),
}));

function model(text: string) {
  const result = parsePipeline(text);
  if (!result.spec)
    throw new Error(`edited spec does not validate:\n${JSON.stringify(result.errors)}\n${text}`);
  return toCanvasModel(result.spec);
}

/** `edited` is `original` with one block of lines inserted; returns that block. */
function insertedBlock(original: string, edited: string): string[] {
  const a = original.split('\n');
  const b = edited.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const count = b.length - a.length;
  expect(count).toBeGreaterThan(0);
  expect(b.slice(i + count)).toEqual(a.slice(i));
  return b.slice(i, i + count);
}

const sorted = (text: string) => [...text.split('\n')].sort();

describe.each(CORPUS)('canvas edits on $name', ({ text }) => {
  const before = model(text);
  const jobSlots = before.flatMap((stage) =>
    stage.jobs.map((job) => ({ stage: stage.index, job: job.index })),
  );

  it.each(before.filter((s) => s.jobs.length > 0).map((s) => s.index))(
    'adds a parallel job to stage %i, touching no other line',
    (stage) => {
      const edited = canvasEdits.addJob(text, stage, {
        name: 'added',
        image: 'alpine:3',
        steps: [{ run: 'echo hi' }],
      });
      const block = insertedBlock(text, edited);
      expect(block.join('\n')).toMatch(/- name: added\n\s+image: alpine:3\n\s+steps:\n\s+- run: echo hi/);
      const after = model(edited);
      expect(after[stage]?.jobs.map((j) => j.name)).toEqual([
        ...(before[stage]?.jobs.map((j) => j.name) ?? []),
        'added',
      ]);
    },
  );

  it.each(jobSlots.filter((slot) => (before[slot.stage]?.jobs.length ?? 0) > 1))(
    'removes job $job of stage $stage and only its lines',
    ({ stage, job }) => {
      const edited = canvasEdits.removeJob(text, stage, job);
      insertedBlock(edited, text);
      const expected = before[stage]?.jobs.map((j) => j.name).filter((_, index) => index !== job);
      expect(model(edited)[stage]?.jobs.map((j) => j.name)).toEqual(expected);
    },
  );

  it.each(
    before.flatMap((stage) =>
      stage.jobs.flatMap((job) =>
        job.steps.map((step) => ({ stage: stage.index, job: job.index, step: step.index })),
      ),
    ),
  )('adds, removes and moves steps around step $step of job $job in stage $stage', ({ stage, job, step }) => {
    const names = () => before[stage]?.jobs[job]?.steps.map((s) => s.name) ?? [];
    const added = canvasEdits.addStep(
      text,
      stage,
      job,
      { name: 'lint', image: 'node:24', run: 'npm run lint' },
      step,
    );
    insertedBlock(text, added);
    const withLint = [...names()];
    withLint.splice(step, 0, 'lint');
    expect(model(added)[stage]?.jobs[job]?.steps.map((s) => s.name)).toEqual(withLint);

    const moved = canvasEdits.moveStep(added, stage, job, step, withLint.length - 1);
    expect(sorted(moved)).toEqual(sorted(added));
    const movedNames = [...withLint.filter((_, i) => i !== step), 'lint'];
    expect(model(moved)[stage]?.jobs[job]?.steps.map((s) => s.name)).toEqual(movedNames);

    const removed = canvasEdits.removeStep(moved, stage, job, withLint.length - 1);
    expect(removed).toBe(text);
  });

  it('moves stages as whole blocks, comments travelling with them', () => {
    const last = before.length - 1;
    const edited = canvasEdits.moveStage(text, 0, last);
    expect(sorted(edited)).toEqual(sorted(text));
    const names = before.map((s) => s.name);
    expect(model(edited).map((s) => s.name)).toEqual([...names.slice(1), names[0]]);
    expect(canvasEdits.moveStage(edited, last, 0)).toBe(text);
  });

  it.each(jobSlots)('changes the image of job $job in stage $stage on one line only', ({ stage, job }) => {
    const edited = canvasEdits.setJobField(text, stage, job, 'image', 'busybox:1.37');
    const a = text.split('\n');
    const b = edited.split('\n');
    const changed = b.filter((line, i) => line !== a[i]);
    if (before[stage]?.jobs[job]?.image) expect(changed).toHaveLength(1);
    expect(model(edited)[stage]?.jobs[job]?.image).toBe('busybox:1.37');
  });
});

describe('canvas edits refuse what they cannot do without rewriting the document', () => {
  it('does not edit inline lists or remove the last item', () => {
    const inline = 'stages: [{ name: a, approval: {} }]\n';
    expect(() => canvasEdits.addStage(inline, { name: 'b', approval: {} })).toThrow(EditError);
    const single = 'stages:\n  - name: a\n    approval: {}\n';
    expect(() => canvasEdits.removeStage(single, 0)).toThrow(/at least one/);
    expect(() => canvasEdits.addStage('stages: [\n', {})).toThrow(/does not parse/);
  });
});
