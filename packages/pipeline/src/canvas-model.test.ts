import { describe, expect, it } from 'vitest';
import {
  type CanvasMetrics,
  type CanvasStage,
  describeWhen,
  layoutCanvas,
  toCanvasModel,
  uniqueName,
} from './canvas-model.ts';
import { parsePipeline } from './parse.ts';

const METRICS: CanvasMetrics = {
  stageWidth: 200,
  stageGap: 40,
  stageHeader: 30,
  stagePadding: 10,
  jobGap: 8,
  jobHeader: 40,
  stepHeight: 20,
  jobFooter: 24,
  gateHeight: 50,
  conditionHeight: 16,
};

const job = (index: number, steps: number) => ({
  index,
  name: `job-${index}`,
  image: null,
  timeout: null,
  retries: null,
  when: null,
  kind: 'job' as const,
  deploy: null,
  steps: Array.from({ length: steps }, (_, k) => ({ index: k, name: `s${k}`, kind: 'run' as const })),
});

describe('layoutCanvas', () => {
  const stages: CanvasStage[] = [
    { index: 0, name: 'test', approval: null, when: null, jobs: [job(0, 2), job(1, 1)] },
    { index: 1, name: 'approve', approval: { role: 'operator', count: 1 }, when: null, jobs: [] },
  ];

  it('puts stages side by side and stacks their jobs, each as tall as its steps', () => {
    const layout = layoutCanvas(stages, METRICS);
    expect(layout.stages.map((s) => s.lane.x)).toEqual([0, 240]);
    expect(layout.stages[0]?.jobs).toEqual([
      { x: 10, y: 30, width: 180, height: 104 },
      { x: 10, y: 142, width: 180, height: 84 },
    ]);
    // Lanes share the tallest stage's height: 226 of jobs + 10 of padding.
    expect(layout.stages.map((s) => s.lane.height)).toEqual([236, 236]);
    expect(layout).toMatchObject({ width: 440, height: 236 });
  });

  it('gives an approval stage room for its gate', () => {
    const layout = layoutCanvas([stages[1] as CanvasStage], METRICS);
    expect(layout.height).toBe(90);
  });
});

describe('uniqueName', () => {
  it('takes the first free number', () => {
    expect(uniqueName('job', ['job-1', 'job-2', 'unit'])).toBe('job-3');
    expect(uniqueName('stage', [], 4)).toBe('stage-4');
  });
});

describe('when conditions on the canvas', () => {
  const SPEC = `releaseTypes:
  full: {}
  hotfix: { stages: [build] }
parameters:
  - name: deploy
    type: boolean
    default: false
stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3
        steps: [{ run: make }]
      - name: docs
        image: alpine:3
        when: { branch: [main, "release/**"], parameters: { deploy: true } }
        steps: [{ run: make docs }]
  - name: prod
    when: { releaseType: [full], environment: [prod, prod-eu] }
    approval: { role: operator }
`;

  it('says in words when a stage or job runs, and nothing for one that always runs', () => {
    const spec = parsePipeline(SPEC).spec;
    if (!spec) throw new Error('the spec does not parse');
    const [build, prod] = toCanvasModel(spec);
    expect(build?.when).toBeNull();
    expect(build?.jobs.map((j) => j.when)).toEqual([null, 'branch: main, release/**; deploy = true']);
    expect(prod?.when).toBe('release type: full; environment: prod, prod-eu');
    // A release type's own list of stages counts too: hotfix runs only build.
    const listed = parsePipeline(`releaseTypes:
  full: {}
  hotfix: { stages: [build] }
stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3
        steps: [{ run: make }]
  - name: test
    jobs:
      - name: unit
        image: alpine:3
        steps: [{ run: make test }]
`);
    if (!listed.spec) throw new Error(JSON.stringify(listed.errors));
    expect(toCanvasModel(listed.spec).map((stage) => stage.when)).toEqual([null, 'release type: full']);
    expect(describeWhen({ parameters: { level: [1, 2] } })).toBe('level = 1 or 2');
    expect(describeWhen({})).toBeNull();
  });

  it('makes room for the condition line of a stage and of a job', () => {
    const plain: CanvasStage = { index: 0, name: 'a', approval: null, when: null, jobs: [job(0, 1)] };
    const conditional: CanvasStage = {
      ...plain,
      when: 'release type: full',
      jobs: [{ ...job(0, 1), when: 'branch: main' }],
    };
    const before = layoutCanvas([plain], METRICS).stages[0];
    const after = layoutCanvas([conditional], METRICS).stages[0];
    expect(after?.jobs[0]?.y).toBe((before?.jobs[0]?.y ?? 0) + METRICS.conditionHeight);
    expect(after?.jobs[0]?.height).toBe((before?.jobs[0]?.height ?? 0) + METRICS.conditionHeight);
  });
});
