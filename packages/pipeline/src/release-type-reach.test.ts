import { describe, expect, it } from 'vitest';
import { parsePipeline } from './parse.ts';

/** Two release types: `full` asks for nothing, `hotfix` for `ticket`; `deploy` uses `ticket`. */
const spec = (
  options: { stageWhen?: string; jobWhen?: string; fullStages?: string; env?: string } = {},
) => `parameters:
  - name: ticket
  - name: notes
    required: false
releaseTypes:
  full: {${options.fullStages ?? ''}}
  hotfix:
    parameters: [ticket]
  docs:
    parameters: [notes]
    stages: [build]
${options.env ?? ''}stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3
        steps:
          - run: make
  - name: deploy
${options.stageWhen ?? ''}    jobs:
      - name: push
        image: alpine:3
${options.jobWhen ?? ''}        steps:
          - run: ./deploy --ticket "\${{ params.ticket }}"
`;

const errors = (text: string) => parsePipeline(text).errors.map((e) => [e.line, e.column, e.message]);

describe('a ${{ params.x }} is checked against every release type that can run it', () => {
  it('names the release type that runs the job without asking for the parameter, at the expression', () => {
    expect(errors(spec())).toEqual([
      [
        24,
        37,
        "release type 'full' runs this job but does not ask for parameter 'ticket': add it to its parameters, or limit the job with when.releaseType",
      ],
    ]);
  });

  it('accepts it when only release types that ask for it can reach the reference', () => {
    expect(errors(spec({ stageWhen: '    when: { releaseType: [hotfix] }\n' }))).toEqual([]);
    expect(errors(spec({ jobWhen: '        when: { releaseType: [hotfix] }\n' }))).toEqual([]);
    expect(errors(spec({ fullStages: ' stages: [build] ' }))).toEqual([]);
  });

  it('still names a release type a `when` lets through', () => {
    expect(errors(spec({ stageWhen: '    when: { releaseType: [hotfix, full] }\n' }))[0]?.[2]).toMatch(
      /^release type 'full' runs this job but does not ask for parameter 'ticket'/,
    );
  });

  it('names every release type that misses a parameter used outside the stages', () => {
    expect(
      errors(spec({ env: 'env:\n  NOTES: ${{ params.notes }}\n', fullStages: ' stages: [build] ' })),
    ).toEqual([
      [
        13,
        10,
        "release types 'full', 'hotfix' run this pipeline but do not ask for parameter 'notes': add it to their parameters, or use it only in the stages that need it",
      ],
    ]);
  });

  it('checks nothing of the kind when the pipeline has no release types (every run asks for every parameter)', () => {
    const text = spec().replace(/releaseTypes:[\s\S]*?stages: \[build\]\n/, '');
    expect(errors(text)).toEqual([]);
  });
});
