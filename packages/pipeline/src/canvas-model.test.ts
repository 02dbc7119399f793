import { describe, expect, it } from 'vitest';
import { type CanvasMetrics, type CanvasStage, layoutCanvas, uniqueName } from './canvas-model.ts';

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
};

const job = (index: number, steps: number) => ({
  index,
  name: `job-${index}`,
  image: null,
  timeout: null,
  retries: null,
  steps: Array.from({ length: steps }, (_, k) => ({ index: k, name: `s${k}`, kind: 'run' as const })),
});

describe('layoutCanvas', () => {
  const stages: CanvasStage[] = [
    { index: 0, name: 'test', approval: null, jobs: [job(0, 2), job(1, 1)] },
    { index: 1, name: 'approve', approval: { role: 'operator', count: 1 }, jobs: [] },
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
