import { describe, expect, it } from 'vitest';
import {
  askedParameters,
  initialParameterInputs,
  parameterValues,
  releaseTypesOf,
  runnableSpec,
  valuesFromRun,
} from './run-form.ts';

const SPEC = `parameters:
  - name: version
    type: string
    pattern: "^[0-9.]+$"
  - name: replicas
    type: number
    default: 2
  - name: dryRun
    type: boolean
    default: true
  - name: size
    type: choice
    choices: [small, 3, large]
  - name: token
    type: secret
releaseTypes:
  full:
    parameters: [version, replicas, dryRun, size, token]
  quick: {}
stages:
  - name: test
    jobs:
      - name: unit
        image: alpine:3
        steps:
          - run: echo hi
`;

const spec = runnableSpec({ spec: SPEC, expanded: null });
if (!spec) throw new Error('the test spec does not parse');
const full = askedParameters(spec, 'full');

describe('run form values', () => {
  it('lists release types and what each asks for', () => {
    expect(releaseTypesOf(spec)).toEqual(['full', 'quick']);
    expect(full.map((p) => p.name)).toEqual(['version', 'replicas', 'dryRun', 'size', 'token']);
    expect(askedParameters(spec, 'quick')).toEqual([]);
  });

  it('starts each input at its default', () => {
    expect(initialParameterInputs(full)).toEqual({
      version: '',
      replicas: '2',
      dryRun: true,
      size: '',
      token: '',
    });
  });

  it('sends typed values and leaves empty inputs out', () => {
    expect(
      parameterValues(full, { version: '1.2', replicas: '3', dryRun: false, size: '3', token: '' }),
    ).toEqual({ version: '1.2', replicas: 3, dryRun: false, size: '3' }); // choices are text as written
    expect(parameterValues(full, { version: ' ', replicas: 'many', size: 'large', token: 's3cret' })).toEqual(
      {
        replicas: 'many',
        dryRun: false,
        size: 'large',
        token: 's3cret',
      },
    );
  });

  it('takes the last run’s values, except secrets, which it names', () => {
    const { values, missingSecrets } = valuesFromRun(spec, {
      releaseType: 'full',
      environment: 'staging',
      ref: 'main',
      parameters: { version: '1.0', replicas: 4, dryRun: false, size: 3, token: '***', gone: 'x' },
    });
    expect(values).toEqual({
      releaseType: 'full',
      environment: 'staging',
      ref: 'main',
      parameters: { version: '1.0', replicas: '4', dryRun: false, size: '3', token: '' },
    });
    expect(missingSecrets).toEqual(['token']);
  });
});
