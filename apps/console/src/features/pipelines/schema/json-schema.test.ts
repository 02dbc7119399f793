import { pipelineJsonSchema } from '@slipway/pipeline';
import { describe, expect, it } from 'vitest';
import {
  isJsonSchema,
  type JsonSchema,
  schemaAt,
  schemaFields,
  typeLabel,
  withDocLinks,
} from './json-schema.ts';

const schema = pipelineJsonSchema() as JsonSchema;

describe('the pipeline JSON Schema as the console reads it', () => {
  it('lists every field with an anchor, list items and author-chosen keys included', () => {
    const fields = schemaFields(schema);
    const byAnchor = new Map(fields.map((field) => [field.anchor, field]));
    expect(byAnchor.get('stages.jobs.timeout')?.path).toBe('stages[].jobs[].timeout');
    expect(byAnchor.get('stages.jobs.steps.buildImage.destination')?.required).toBe(true);
    expect(byAnchor.get('releaseTypes._.stages')?.path).toBe('releaseTypes.<name>.stages');
    expect(byAnchor.get('stages.approval.role')?.schema.description).toBe('Who may approve');
    expect(new Set(fields.map((field) => field.anchor)).size).toBe(fields.length);
  });

  it('adds a docs link to every field description, keeping the text', () => {
    const linked = withDocLinks(schema, 'https://slipway.example');
    const job = schemaAt(linked, ['stages', 'jobs']);
    expect(job?.properties?.image?.markdownDescription).toBe(
      'Default container image of the steps\n\n[stages[].jobs[].image in the pipeline reference](https://slipway.example/docs/pipeline-spec#stages.jobs.image)',
    );
    expect(job?.properties?.retries?.markdownDescription).toContain('#stages.jobs.retries)');
    // The original is left alone (it is cached and shared).
    expect(schemaAt(schema, ['stages', 'jobs'])?.properties?.image?.markdownDescription).toBeUndefined();
  });

  it('describes types in words', () => {
    const job = schemaAt(schema, ['stages', 'jobs']);
    expect(isJsonSchema(job)).toBe(true);
    expect(typeLabel(job?.properties?.env ?? {})).toBe('map of name → string | number | boolean');
    expect(typeLabel(job?.properties?.credentials ?? {})).toBe('list of string');
    expect(typeLabel(job?.properties?.retries ?? {})).toBe('integer');
  });
});
