import type { Parameter } from '@slipway/pipeline';
import { describe, expect, it } from 'vitest';
import {
  createWebhookBody,
  initialWebhookValues,
  linesOf,
  parseParameterLines,
  payloadUrl,
} from './webhook-form.ts';

const declared: Parameter[] = [
  { name: 'replicas', type: 'number' },
  { name: 'dryRun', type: 'boolean' },
  { name: 'size', type: 'choice', choices: [1, 2, 'large'] },
  { name: 'target', type: 'string' },
];

describe('parseParameterLines', () => {
  it('types values as their parameters are declared', () => {
    const text = 'replicas = 3\ndryRun=true\nsize=2\ntarget=web=blue\n';
    expect(parseParameterLines(text, declared)).toEqual({
      values: { replicas: 3, dryRun: true, size: 2, target: 'web=blue' },
      problems: [],
    });
  });

  it('keeps what cannot be typed and undeclared names as text, for the server to name', () => {
    expect(parseParameterLines('replicas=many\ncolour=red\ndryRun=maybe', declared).values).toEqual({
      replicas: 'many',
      colour: 'red',
      dryRun: 'maybe',
    });
  });

  it('reports lines that are not name=value instead of dropping them', () => {
    expect(parseParameterLines('target\n=value\n\n  ', declared)).toEqual({
      values: {},
      problems: ['“target” is not name=value', '“=value” is not name=value'],
    });
  });
});

describe('createWebhookBody', () => {
  it('reads one glob per line and sends the secret only when typed', () => {
    const values = {
      ...initialWebhookValues(),
      name: ' hook ',
      branches: 'main\n release/* \n\n',
      paths: 'docs/**',
      pipeline: 'ci',
      releaseType: 'full',
      environment: 'dev',
    };
    expect(createWebhookBody(values, { target: 'web' })).toEqual({
      name: 'hook',
      provider: 'github',
      events: ['push'],
      branches: ['main', 'release/*'],
      tags: [],
      paths: ['docs/**'],
      pipeline: 'ci',
      releaseType: 'full',
      environment: 'dev',
      parameters: { target: 'web' },
    });
    expect(createWebhookBody({ ...values, secret: ' s3cret-s3cret-s3cret ' }, {})).toMatchObject({
      secret: 's3cret-s3cret-s3cret',
    });
  });
});

describe('helpers', () => {
  it('splits lines and builds the payload URL', () => {
    expect(linesOf(' a \n\nb')).toEqual(['a', 'b']);
    expect(payloadUrl('https://slipway.example.com/', '/api/v1/hooks/x')).toBe(
      'https://slipway.example.com/api/v1/hooks/x',
    );
  });
});
