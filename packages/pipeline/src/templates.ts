import { isMap, isScalar, LineCounter, parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { didYouMean, type SpecError } from './errors.ts';
import { parsePipeline } from './parse.ts';
import { type PipelineSpec, ReleaseTypeSchema } from './schema.ts';

/** `uses: java-service@3` — a workspace template pinned to one published version. */
export const USES_PATTERN = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)@(\d+)$/;

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

export const TemplateInputSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, { message: 'must start with a letter; letters, digits, "-", "_"' }),
  description: z.string().max(500).optional(),
  default: Scalar.optional(),
  required: z.boolean().optional(),
});
export type TemplateInput = z.infer<typeof TemplateInputSchema>;

/** The short form of a pipeline that uses a template; its own stages override or add. */
const UsingPipelineSchema = z.object({
  uses: z.string().regex(USES_PATTERN, { message: 'must be <template>@<version>, e.g. java-service@3' }),
  with: z.record(z.string(), Scalar).optional(),
  parameters: z.array(z.unknown()).optional(),
  releaseTypes: z.record(z.string(), ReleaseTypeSchema).optional(),
  env: z.record(z.string(), z.unknown()).optional(),
  credentials: z.array(z.string()).optional(),
  stages: z.array(z.object({ name: z.string() }).passthrough()).optional(),
});

export interface TemplateRef {
  name: string;
  version: number;
}

function at(text: string, path: (string | number)[], message: string, key?: string): SpecError {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  let node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  for (let depth = path.length; !node && depth > 0; depth--)
    node = doc.getIn(path.slice(0, depth - 1), true) as never;
  let offset = node?.range?.[0] ?? 0;
  if (key && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
  }
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col, path: path.join('.'), message };
}

/** The template a pipeline text uses, if any (without validating anything else). */
export function templateRefOf(text: string): TemplateRef | null {
  const doc = parseDocument(text);
  const uses = doc.errors.length === 0 ? doc.get('uses') : undefined;
  const match = typeof uses === 'string' ? USES_PATTERN.exec(uses) : null;
  return match?.[1] && match[3] ? { name: match[1], version: Number(match[3]) } : null;
}

/** A template's text: a pipeline spec with `inputs:`; checks that every `${{ inputs.x }}` is declared. */
export function parseTemplate(text: string): { inputs: TemplateInput[]; errors: SpecError[] } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { inputs: [], errors: parsePipeline(text).errors };
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  const inputs = z.array(TemplateInputSchema).safeParse(raw.inputs ?? []);
  if (!inputs.success) {
    return {
      inputs: [],
      errors: inputs.error.issues.map((issue) =>
        at(text, ['inputs', ...(issue.path as (string | number)[])], issue.message),
      ),
    };
  }
  const names = inputs.data.map((i) => i.name);
  const errors: SpecError[] = [];
  for (const match of text.matchAll(/\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}/g)) {
    const name = match[1] ?? '';
    if (!names.includes(name)) {
      const lineCounter = new LineCounter();
      parseDocument(text, { lineCounter });
      const { line, col } = lineCounter.linePos(match.index ?? 0);
      errors.push({
        line,
        column: col,
        path: '',
        message: `unknown input '${name}'${didYouMean(name, names)}`,
      });
    }
  }
  // The body must be a valid pipeline once inputs are filled with placeholders.
  const sample = expandValues(
    withoutInputs(raw),
    Object.fromEntries(inputs.data.map((i) => [i.name, i.default ?? `input-${i.name}`])),
  );
  if (errors.length === 0) {
    for (const error of parsePipeline(stringify(sample)).errors)
      errors.push({ ...error, line: 1, column: 1 });
  }
  return { inputs: inputs.data, errors };
}

function withoutInputs(raw: Record<string, unknown>): Record<string, unknown> {
  const { inputs: _inputs, ...rest } = raw;
  return rest;
}

const INPUT = /\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}/g;

/** Fills `${{ inputs.x }}`; a scalar that is exactly one expression takes the input's own type. */
function expandValues(value: unknown, inputs: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(value);
    if (whole?.[1] && whole[1] in inputs) return inputs[whole[1]];
    return value.replace(INPUT, (expression, name: string) =>
      name in inputs ? String(inputs[name]) : expression,
    );
  }
  if (Array.isArray(value)) return value.map((item) => expandValues(item, inputs));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandValues(v, inputs)]));
  }
  return value;
}

/**
 * Expands a pipeline that `uses` a template: the template's pipeline with the inputs from
 * `with`, then the pipeline's own parts on top (a stage with the same name replaces the
 * template's, new ones are appended; parameters, release types and env merge by name).
 */
export function expandPipeline(
  pipelineText: string,
  templateText: string,
): { expanded?: string; spec?: PipelineSpec; errors: SpecError[] } {
  const doc = parseDocument(pipelineText);
  if (doc.errors.length > 0) return { errors: parsePipeline(pipelineText).errors };
  const using = UsingPipelineSchema.safeParse(doc.toJS() ?? {});
  if (!using.success) {
    return {
      errors: using.error.issues.map((issue) =>
        at(pipelineText, issue.path as (string | number)[], issue.message),
      ),
    };
  }
  const { inputs, errors: templateErrors } = parseTemplate(templateText);
  if (templateErrors.length > 0) {
    return {
      errors: [
        at(pipelineText, ['uses'], `template ${using.data.uses} is not valid: ${templateErrors[0]?.message}`),
      ],
    };
  }
  const given = using.data.with ?? {};
  const errors: SpecError[] = [];
  const names = inputs.map((i) => i.name);
  for (const key of Object.keys(given)) {
    if (!names.includes(key))
      errors.push(at(pipelineText, ['with'], `template has no input '${key}'${didYouMean(key, names)}`, key));
  }
  const values: Record<string, unknown> = {};
  for (const input of inputs) {
    const value = given[input.name] ?? input.default;
    if (value === undefined) {
      if (input.required ?? true)
        errors.push(at(pipelineText, ['with'], `input '${input.name}' is required by ${using.data.uses}`));
      continue;
    }
    values[input.name] = value;
  }
  if (errors.length > 0) return { errors };

  const base = expandValues(
    withoutInputs((parseDocument(templateText).toJS() ?? {}) as Record<string, unknown>),
    values,
  ) as Record<string, unknown>;
  const own = using.data;
  const byName = <T extends { name?: unknown }>(list: T[] | undefined, overrides: T[] | undefined) => {
    const result = [...(list ?? [])];
    for (const item of overrides ?? []) {
      const index = result.findIndex((existing) => existing.name === item.name);
      if (index >= 0) result[index] = item;
      else result.push(item);
    }
    return result;
  };
  const merged: Record<string, unknown> = {
    ...base,
    ...(own.parameters || base.parameters
      ? {
          parameters: byName(
            base.parameters as { name?: unknown }[] | undefined,
            own.parameters as { name?: unknown }[] | undefined,
          ),
        }
      : {}),
    ...(own.releaseTypes || base.releaseTypes
      ? { releaseTypes: { ...(base.releaseTypes as object | undefined), ...own.releaseTypes } }
      : {}),
    ...(own.env || base.env ? { env: { ...(base.env as object | undefined), ...own.env } } : {}),
    ...(own.credentials || base.credentials
      ? {
          credentials: [
            ...new Set([...((base.credentials as string[] | undefined) ?? []), ...(own.credentials ?? [])]),
          ],
        }
      : {}),
    stages: byName(
      base.stages as { name?: unknown }[] | undefined,
      own.stages as { name?: unknown }[] | undefined,
    ),
  };
  const expanded = stringify(merged, { lineWidth: 0 });
  const result = parsePipeline(expanded);
  if (result.errors.length > 0) {
    return {
      errors: result.errors.map((e) => ({ ...e, message: `in the expanded pipeline: ${e.message}` })),
    };
  }
  return result.spec ? { expanded, spec: result.spec, errors: [] } : { expanded, errors: [] };
}
