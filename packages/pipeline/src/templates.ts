import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { didYouMean, type SpecError } from './errors.ts';
import { dereference, keyText, loadYaml, writtenText } from './load-yaml.ts';
import { type ParseOptions, parsePipeline } from './parse.ts';
import { type PipelineSpec, ReleaseTypeSchema } from './schema.ts';
import { keepWrittenText } from './written-text.ts';

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
  const { data } = loadYaml(text);
  const uses = (data as { uses?: unknown } | null)?.uses;
  const match = typeof uses === 'string' ? USES_PATTERN.exec(uses) : null;
  return match?.[1] && match[3] ? { name: match[1], version: Number(match[3]) } : null;
}

/** A template's text: a pipeline spec with `inputs:`; checks that every `${{ inputs.x }}` is declared. */
export function parseTemplate(
  text: string,
  options: ParseOptions = {},
): { inputs: TemplateInput[]; errors: SpecError[] } {
  const loaded = load(text);
  if (!loaded.doc) return { inputs: [], errors: loaded.errors };
  const raw = loaded.data;
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
  const placeholders = new Map<string, InputValue>();
  inputs.data.forEach((input, index) => {
    const value =
      input.default === undefined
        ? { value: `input-${input.name}`, text: `input-${input.name}` }
        : inputValue(loaded.doc as Document, ['inputs', index, 'default'], input.default);
    placeholders.set(input.name, value);
  });
  if (errors.length === 0) {
    for (const error of parsePipeline(
      putBackWritten(
        stringify(expandValues(withoutInputs(raw), placeholders), { lineWidth: 0 }),
        placeholders,
      ),
      options,
    ).errors)
      errors.push({ ...error, line: 1, column: 1 });
  }
  return { inputs: inputs.data, errors };
}

function withoutInputs(raw: Record<string, unknown>): Record<string, unknown> {
  const { inputs: _inputs, ...rest } = raw;
  return rest;
}

const INPUT = /\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}/g;

/** An input's value, and its text as written (`1.10`, not 1.1) for splicing into text. */
interface InputValue {
  value: unknown;
  text: string;
  /** Set for a plain number or boolean: the YAML to put back where the input is a whole value. */
  written?: string;
}

/** Loads YAML and keeps what was written in the spec's text positions (see `keepWrittenText`). */
function load(text: string): { doc?: Document; data: Record<string, unknown>; errors: SpecError[] } {
  const loaded = loadYaml(text);
  if (!loaded.doc || loaded.errors.length > 0) return { data: {}, errors: loaded.errors };
  const data = (loaded.data ?? {}) as Record<string, unknown>;
  keepWrittenText(loaded.doc, data);
  return { doc: loaded.doc, data, errors: [] };
}

/** The value at `path` of a loaded document with the text it was written as. */
function inputValue(doc: Document, path: (string | number)[], value: unknown): InputValue {
  let node: unknown = doc.contents;
  for (const segment of path) {
    const target = dereference(doc, node);
    if (isMap(target)) node = target.items.find((pair) => keyText(pair.key) === segment)?.value;
    else node = isSeq(target) && typeof segment === 'number' ? target.items[segment] : undefined;
  }
  const written = writtenText(doc, node);
  return written === undefined ? { value, text: String(value) } : { value, text: written, written };
}

/**
 * A scalar that is exactly one input becomes this token, replaced by the input as written once
 * stringified. The name is kept as is between dots (never in a name), so no input's token is
 * another's, nor a part of another's.
 */
const wholeInput = (name: string) => `__slipway_input.${name}.__`;

/** Stringified YAML with each whole-value input put back as written (see `wholeInput`). */
function putBackWritten(text: string, inputs: ReadonlyMap<string, InputValue>): string {
  let result = text;
  for (const [name, input] of inputs) {
    if (input.written !== undefined) result = result.replaceAll(wholeInput(name), input.written);
  }
  return result;
}

/** Fills `${{ inputs.x }}`; a scalar that is exactly one expression takes the input's own type. */
function expandValues(value: unknown, inputs: ReadonlyMap<string, InputValue>): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(value);
    const input = whole?.[1] ? inputs.get(whole[1]) : undefined;
    if (whole?.[1] && input) return input.written === undefined ? input.value : wholeInput(whole[1]);
    return value.replace(INPUT, (expression, name: string) => inputs.get(name)?.text ?? expression);
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
  options: ParseOptions = {},
): { expanded?: string; spec?: PipelineSpec; errors: SpecError[] } {
  const own = load(pipelineText);
  if (!own.doc) return { errors: own.errors };
  const using = UsingPipelineSchema.safeParse(own.data);
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
  const template = load(templateText);
  const values = new Map<string, InputValue>();
  inputs.forEach((input, index) => {
    const value = given[input.name] ?? input.default;
    if (value === undefined) {
      if (input.required ?? true)
        errors.push(at(pipelineText, ['with'], `input '${input.name}' is required by ${using.data.uses}`));
      return;
    }
    const from =
      given[input.name] !== undefined
        ? { doc: own.doc as Document, path: ['with', input.name] }
        : { doc: template.doc as Document, path: ['inputs', index, 'default'] };
    values.set(input.name, inputValue(from.doc, from.path, value));
  });
  if (errors.length > 0) return { errors };

  const base = expandValues(withoutInputs(template.data), values) as Record<string, unknown>;
  const overrides = using.data;
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
    ...(overrides.parameters || base.parameters
      ? {
          parameters: byName(
            base.parameters as { name?: unknown }[] | undefined,
            overrides.parameters as { name?: unknown }[] | undefined,
          ),
        }
      : {}),
    ...(overrides.releaseTypes || base.releaseTypes
      ? { releaseTypes: { ...(base.releaseTypes as object | undefined), ...overrides.releaseTypes } }
      : {}),
    ...(overrides.env || base.env ? { env: { ...(base.env as object | undefined), ...overrides.env } } : {}),
    ...(overrides.credentials || base.credentials
      ? {
          credentials: [
            ...new Set([
              ...((base.credentials as string[] | undefined) ?? []),
              ...(overrides.credentials ?? []),
            ]),
          ],
        }
      : {}),
    stages: byName(
      base.stages as { name?: unknown }[] | undefined,
      overrides.stages as { name?: unknown }[] | undefined,
    ),
  };
  const expanded = putBackWritten(stringify(merged, { lineWidth: 0 }), values);
  const result = parsePipeline(expanded, options);
  if (result.errors.length > 0) {
    return {
      errors: result.errors.map((e) => ({ ...e, message: `in the expanded pipeline: ${e.message}` })),
    };
  }
  return result.spec ? { expanded, spec: result.spec, errors: [] } : { expanded, errors: [] };
}
