import { describe, expect, it } from 'vitest';
import { RUN_LABEL, runIdOf } from './kube-run-informers.ts';

// Field report (trial of the demo on a shared cluster): Jobs of other programs labelled
// `slipway.dev/run=run-1` made the engine reconcile "run-1", which PostgreSQL refused as a
// uuid, and retry it forever.
describe('runIdOf', () => {
  const labelled = (value: string) => ({ metadata: { labels: { [RUN_LABEL]: value } } });

  it('reads a run id from the label', () => {
    expect(runIdOf(labelled('0b6c3f0e-8d2a-4c61-9a57-2f1e6b9c4d21'))).toBe(
      '0b6c3f0e-8d2a-4c61-9a57-2f1e6b9c4d21',
    );
  });

  it('ignores label values that are not run ids, and objects without the label', () => {
    for (const value of [
      'run-1',
      '',
      '0b6c3f0e8d2a4c619a572f1e6b9c4d21',
      '0b6c3f0e-8d2a-4c61-9a57-2f1e6b9c4d21x',
    ]) {
      expect(runIdOf(labelled(value))).toBeUndefined();
    }
    expect(runIdOf({ metadata: {} })).toBeUndefined();
    expect(runIdOf({})).toBeUndefined();
  });
});
