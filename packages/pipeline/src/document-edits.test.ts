import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toCanvasModel } from './canvas-model.ts';
import { canvasEdits, EditError, setIn } from './document-edits.ts';
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

/** Lines of `edited` that differ from `original`, when both have the same number of lines. */
function changedLines(original: string, edited: string): string[] {
  const a = original.split('\n');
  const b = edited.split('\n');
  expect(b).toHaveLength(a.length);
  return b.filter((line, i) => line !== a[i]);
}

function specOf(text: string) {
  const result = parsePipeline(text);
  if (!result.spec)
    throw new Error(`edited spec does not validate:\n${JSON.stringify(result.errors)}\n${text}`);
  return result.spec;
}

describe.each(CORPUS)('side-panel edits (setIn) on $name', ({ text }) => {
  const before = model(text);
  const jobSlots = before.flatMap((stage) =>
    stage.jobs.map((job) => ({ stage: stage.index, job: job.index, name: job.name })),
  );

  it.each(jobSlots)(
    'adds, changes and removes env of job $name, touching only its own lines',
    ({ stage, job }) => {
      const added = canvasEdits.setJobValue(text, stage, job, ['env', 'CI'], 'true');
      insertedBlock(text, added);
      expect(specOf(added).stages[stage]?.jobs?.[job]?.env).toMatchObject({ CI: 'true' });
      const more = canvasEdits.setJobValue(added, stage, job, ['env', 'LEVEL'], 3);
      insertedBlock(added, more);
      const changed = canvasEdits.setJobValue(more, stage, job, ['env', 'CI'], 'false');
      expect(changedLines(more, changed)).toEqual([expect.stringMatching(/^\s+CI: "false"$/)]);
      const removedLevel = canvasEdits.setJobValue(changed, stage, job, ['env', 'LEVEL'], undefined);
      // The last key of a map takes the map with it: back to the text as it was.
      expect(canvasEdits.setJobValue(removedLevel, stage, job, ['env', 'CI'], undefined)).toBe(text);
    },
  );

  it.each(jobSlots)(
    'sets lists and nested maps of job $name (credentials, when.branch) and takes them back',
    ({ stage, job }) => {
      const withCredentials = canvasEdits.setJobValue(text, stage, job, ['credentials'], ['harbor', 'npm']);
      insertedBlock(text, withCredentials);
      expect(specOf(withCredentials).stages[stage]?.jobs?.[job]?.credentials).toEqual(['harbor', 'npm']);
      const fewer = canvasEdits.setJobValue(withCredentials, stage, job, ['credentials'], ['npm']);
      expect(specOf(fewer).stages[stage]?.jobs?.[job]?.credentials).toEqual(['npm']);
      expect(canvasEdits.setJobValue(fewer, stage, job, ['credentials'], undefined)).toBe(text);

      const withWhen = canvasEdits.setJobValue(text, stage, job, ['when', 'branch'], ['main', 'release/*']);
      insertedBlock(text, withWhen);
      expect(specOf(withWhen).stages[stage]?.jobs?.[job]?.when).toEqual({ branch: ['main', 'release/*'] });
      expect(canvasEdits.setJobValue(withWhen, stage, job, ['when', 'branch'], undefined)).toBe(text);
    },
  );

  it.each(jobSlots)('renames job $name and sets its retries on one line each', ({ stage, job }) => {
    const renamed = canvasEdits.setJobValue(text, stage, job, ['name'], 'renamed');
    expect(changedLines(text, renamed)).toHaveLength(1);
    expect(model(renamed)[stage]?.jobs[job]?.name).toBe('renamed');
    const retried = canvasEdits.setJobValue(text, stage, job, ['retries'], 3);
    const hadRetries = before[stage]?.jobs[job]?.retries !== null;
    if (hadRetries) expect(changedLines(text, retried)).toHaveLength(1);
    else insertedBlock(text, retried);
    expect(model(retried)[stage]?.jobs[job]?.retries).toBe(3);
  });

  it.each(
    jobSlots.flatMap((slot) =>
      before
        .filter((stage) => stage.index !== slot.stage && stage.jobs.length > 0)
        .map((stage) => ({ ...slot, to: stage.index })),
    ),
  )(
    'moves job $name from stage $stage to stage $to and back, lines travelling whole',
    ({ stage, job, to, name }) => {
      if ((before[stage]?.jobs.length ?? 0) < 2) {
        expect(() => canvasEdits.moveJobToStage(text, stage, job, to)).toThrow(/at least one/);
        return;
      }
      const moved = canvasEdits.moveJobToStage(text, stage, job, to);
      expect(sorted(moved).map((line) => line.trim())).toEqual(sorted(text).map((line) => line.trim()));
      const after = model(moved);
      expect(after[to]?.jobs.map((j) => j.name).at(-1)).toBe(name);
      expect(after[stage]?.jobs.map((j) => j.name)).not.toContain(name);
      const last = (after[to]?.jobs.length ?? 1) - 1;
      expect(canvasEdits.moveJobToStage(moved, to, last, stage, job)).toBe(text);
    },
  );
});

describe('setIn keeps comments and styles', () => {
  const commented = CORPUS.find((c) => c.name === 'commented.yaml')?.text ?? '';

  it('replaces a scalar in place, its line comment kept', () => {
    const edited = setIn(commented, ['env', 'NODE_ENV'], 'test');
    expect(changedLines(commented, edited)).toEqual(['  NODE_ENV: test # inline comment survives']);
  });

  it('edits inline maps inline', () => {
    const approve = before('approve');
    const edited = canvasEdits.setStageValue(commented, approve, ['approval', 'count'], 3);
    expect(changedLines(commented, edited)).toEqual(['    approval: { role: operator, count: 3 }']);
    expect(specOf(edited).stages[approve]?.approval?.count).toBe(3);
  });

  it('keeps the comment after the key of a block value it replaces', () => {
    const text =
      'stages:\n  - name: a\n    credentials: # pulled from the vault\n      - one\n    approval: {}\n';
    expect(canvasEdits.setStageValue(text, 0, ['credentials'], ['two', 'three'])).toBe(
      'stages:\n  - name: a\n    credentials: # pulled from the vault\n      - two\n      - three\n    approval: {}\n',
    );
  });

  it('does not remove the key that starts a list item, nor write into a scalar', () => {
    expect(() => canvasEdits.setJobValue(commented, 0, 0, ['name'], undefined)).toThrow(EditError);
    expect(() => setIn(commented, ['env', 'NODE_ENV', 'x'], 1)).toThrow(/not a mapping/);
  });

  function before(stageName: string): number {
    return model(commented).findIndex((stage) => stage.name === stageName);
  }
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

describe('items the canvas adds are written in the conventional key order', () => {
  const TEXT = `releaseTypes:
  full: {}
stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3
        steps:
          - run: make
`;

  it('writes name first, then the schema order, for stages, jobs and steps at any depth', () => {
    const stage = canvasEdits.addStage(TEXT, {
      jobs: [{ steps: [{ run: 'make test', name: 'unit' }], timeout: '5m', image: 'node:24', name: 'test' }],
      when: { releaseType: ['full'] },
      name: 'verify',
    });
    expect(insertedBlock(TEXT, stage)).toEqual([
      '  - name: verify',
      '    when:',
      '      releaseType:',
      '        - full',
      '    jobs:',
      '      - name: test',
      '        image: node:24',
      '        timeout: 5m',
      '        steps:',
      '          - name: unit',
      '            run: make test',
    ]);
    const job = canvasEdits.addJob(TEXT, 0, { steps: [{ run: 'lint' }], image: 'alpine:3', name: 'lint' });
    expect(insertedBlock(TEXT, job)).toEqual([
      '      - name: lint',
      '        image: alpine:3',
      '        steps:',
      '          - run: lint',
    ]);
    const step = canvasEdits.addStep(TEXT, 0, 0, { run: 'make check', name: 'check' });
    expect(insertedBlock(TEXT, step)).toEqual(['          - name: check', '            run: make check']);
    expect(model(stage).map((s) => s.name)).toEqual(['build', 'verify']);
  });
});
