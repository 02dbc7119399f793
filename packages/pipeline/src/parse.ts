import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node, visit } from 'yaml';
import type { z } from 'zod';
import { didYouMean, formatPath, type PathSegment, type SpecError } from './errors.ts';
import { loadYaml } from './load-yaml.ts';
import { unaskedParameterCheck } from './release-type-reach.ts';
import { BuildImageSchema, type PipelineSpec, PipelineSpecSchema, StepSchema } from './schema.ts';
import { checkSemantics, declaredNames } from './semantics.ts';
import { EXPRESSION, parseHashFiles, unknownVariable } from './variables.ts';
import { keepWrittenText } from './written-text.ts';

/** Step kinds as people name them, with the YAML key each uses. */
const STEP_TYPES = {
  run: 'run',
  'build-image': 'buildImage',
  approval: 'approval',
  deploy: 'deploy',
} as const;
const STEP_KEYS = new Set(['run', 'buildImage', 'build-image', 'approval', 'deploy']);
const STEP_COMMON_KEYS = new Set(['name', 'image', 'env']);

/** What the workspace adds to the checks of a spec. */
export interface ParseOptions {
  /**
   * The roles an approval gate may name (built-in and the workspace's custom roles). When
   * given, a gate naming any other role is an error at its line; when absent, not checked.
   */
  roles?: readonly string[];
  /**
   * `'schema'` checks only the shape, for a spec that passed every rule when it was saved (a
   * run's stored spec): rules added since (types in `when`, release-type parameters) must not
   * stop a run that was already accepted. Default `'all'`.
   */
  rules?: 'all' | 'schema';
}

export interface ParseResult {
  /** Present only when there are no errors. */
  spec?: PipelineSpec;
  errors: SpecError[];
  document?: Document;
}

function locate(doc: Document, lineCounter: LineCounter, path: readonly PathSegment[], key?: string) {
  // The deepest node that exists on the path (a missing key points at its parent).
  let node: unknown;
  for (let depth = path.length; depth >= 0; depth--) {
    node = doc.getIn(path.slice(0, depth), true);
    if (node) break;
  }
  let offset = (node as Node | undefined)?.range?.[0] ?? 0;
  if (key && isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
    if (pair && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
  }
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return 'is required';
  return issue.message;
}

/** The step's kind from its keys, or the unknown key that was meant to be one. */
function stepKind(step: unknown): { kind?: keyof typeof STEP_TYPES; unknown?: string } {
  if (!step || typeof step !== 'object' || Array.isArray(step)) return {};
  const keys = Object.keys(step);
  const typeKey = keys.find((k) => STEP_KEYS.has(k));
  if (typeKey)
    return {
      kind:
        typeKey === 'buildImage' || typeKey === 'build-image'
          ? 'build-image'
          : (typeKey as 'run' | 'approval' | 'deploy'),
    };
  return { unknown: keys.find((k) => !STEP_COMMON_KEYS.has(k)) ?? '' };
}

/**
 * Parses and validates a pipeline spec. Every problem is reported (not only the first),
 * each at its line and column, with a message a person understands.
 */
export function parsePipeline(text: string, options: ParseOptions = {}): ParseResult {
  const loaded = loadYaml(text);
  const { lineCounter } = loaded;
  if (!loaded.doc || loaded.errors.length > 0) return { errors: loaded.errors };
  const doc = loaded.doc;
  const data: unknown = loaded.data ?? {};
  keepWrittenText(doc, data);
  const errors: SpecError[] = [];
  const at = (path: PathSegment[], message: string, key?: string) =>
    errors.push({ ...locate(doc, lineCounter, path, key), path: formatPath(path), message });

  // Steps are told apart by their key; an unknown one gets a suggestion instead of a wall of union errors.
  const badSteps = new Set<string>();
  const stages = (data as { stages?: unknown }).stages;
  if (Array.isArray(stages)) {
    stages.forEach((stage, s) => {
      const jobs = (stage as { jobs?: unknown })?.jobs;
      if (!Array.isArray(jobs)) return;
      jobs.forEach((job, j) => {
        const steps = (job as { steps?: unknown })?.steps;
        if (!Array.isArray(steps)) return;
        steps.forEach((step, k) => {
          const path: PathSegment[] = ['stages', s, 'jobs', j, 'steps', k];
          const { kind, unknown } = stepKind(step);
          if (kind) {
            const key =
              kind === 'build-image'
                ? 'buildImage' in (step as object)
                  ? 'buildImage'
                  : 'build-image'
                : kind;
            if (key === 'build-image') {
              // Accept the kebab-case spelling of the key too.
              (step as Record<string, unknown>).buildImage = (step as Record<string, unknown>)['build-image'];
              delete (step as Record<string, unknown>)['build-image'];
            }
            return;
          }
          badSteps.add(formatPath(path));
          at(
            path,
            unknown
              ? `unknown step type '${unknown}'${didYouMean(unknown, Object.keys(STEP_TYPES))}; a step is one of: run, build-image, approval, deploy`
              : 'a step needs one of: run, build-image, approval, deploy',
            unknown || undefined,
          );
        });
      });
    });
  }

  const parsed = PipelineSpecSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path as PathSegment[];
      if (isWithin(formatPath(path), badSteps)) continue;
      if (issue.code === 'invalid_union' && path.includes('steps')) {
        // Re-check the step against the schema of its own kind for precise messages.
        const stepData = path.reduce<unknown>(
          (value, segment) => (value as Record<PathSegment, unknown> | undefined)?.[segment],
          data,
        );
        const kind = stepKind(stepData).kind;
        const schema =
          kind === 'build-image'
            ? BuildImageSchema
            : StepSchema.options[kind === 'approval' ? 2 : kind === 'deploy' ? 3 : 0];
        const target =
          kind === 'build-image'
            ? ((stepData as Record<string, unknown>).buildImage ??
              (stepData as Record<string, unknown>)['build-image'])
            : stepData;
        const inner = schema.safeParse(target);
        if (!inner.success) {
          for (const innerIssue of inner.error.issues) {
            const innerPath = [
              ...path,
              ...(kind === 'build-image' ? ['buildImage'] : []),
              ...(innerIssue.path as PathSegment[]),
            ];
            reportIssue(innerIssue, innerPath);
          }
          continue;
        }
      }
      reportIssue(issue, path);
    }
  }

  function reportIssue(issue: z.core.$ZodIssue, path: PathSegment[]) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        errors.push({
          ...locate(doc, lineCounter, path, key),
          path: formatPath([...path, key]),
          message: `unknown field '${key}'`,
        });
      }
      return;
    }
    at(path, issueMessage(issue));
  }

  // References and variables are checked even when the schema is not satisfied, so that one
  // save shows every problem. Where a part already has a schema error, that error is enough.
  if (options.rules === 'schema')
    return parsed.success && errors.length === 0
      ? { spec: parsed.data, errors: [], document: doc }
      : { errors: sortErrors(errors), document: doc };
  const schemaErrorPaths = new Set(errors.map((error) => error.path));
  const more: SpecError[] = [];
  for (const problem of checkSemantics(data, options.roles))
    more.push({
      ...(problem.atKey
        ? locate(doc, lineCounter, problem.path.slice(0, -1), String(problem.path.at(-1)))
        : locate(doc, lineCounter, problem.path)),
      path: formatPath(problem.path),
      message: problem.message,
    });
  more.push(
    ...unknownVariables(doc, text, lineCounter, declaredNames(data).parameters, unaskedParameterCheck(data)),
  );
  const reported = new Set(errors.map((e) => `${e.line}:${e.column}:${e.message}`));
  for (const error of more) {
    if (isWithin(error.path, schemaErrorPaths)) continue;
    const key = `${error.line}:${error.column}:${error.message}`;
    if (reported.has(key)) continue;
    reported.add(key);
    errors.push(error);
  }

  return errors.length > 0 || !parsed.success
    ? { errors: sortErrors(errors), document: doc }
    : { spec: parsed.data, errors: [], document: doc };
}

/** Whether `path` is one of `ancestors` or lies inside one of them. */
function isWithin(path: string, ancestors: ReadonlySet<string>): boolean {
  if (ancestors.has(path)) return true;
  // Each prefix that ends before a '.' or '[' is an ancestor path (one lookup each, not one per ancestor).
  for (let i = 1; i < path.length; i++) {
    if ((path[i] === '.' || path[i] === '[') && ancestors.has(path.slice(0, i))) return true;
  }
  return false;
}

/**
 * Every `${{ … }}` that names no known variable, or a parameter that a release type able to
 * run it does not ask for, at the expression itself.
 */
function unknownVariables(
  doc: Document,
  text: string,
  lineCounter: LineCounter,
  parameterNames: readonly string[],
  unasked: ReturnType<typeof unaskedParameterCheck>,
): SpecError[] {
  const errors: SpecError[] = [];
  visit(doc, {
    Scalar(_key, node, ancestors) {
      if (typeof node.value !== 'string' || !node.range || !node.value.includes('${{')) return;
      const path = pathOf(ancestors);
      for (const match of node.value.matchAll(EXPRESSION)) {
        const expression = match[1] ?? '';
        const call = hashFilesProblem(expression, path);
        const problem =
          call !== undefined
            ? call
            : (unknownVariable(expression, parameterNames) ??
              (expression.startsWith('params.')
                ? unasked?.(path, expression.slice('params.'.length))
                : undefined));
        if (problem === null || problem === undefined) continue;
        // Point at the expression itself: find it in the source of this scalar.
        const found = text.indexOf(match[0], node.range[0]);
        const { line, col } = lineCounter.linePos(
          found >= 0 && found < node.range[1] ? found : node.range[0],
        );
        errors.push({ line, column: col, path: formatPath(path), message: problem });
      }
    },
  });
  return errors;
}

/**
 * `hashFiles(…)` is read only in a job's `cache.key` (the files exist only in the job's
 * workspace): null when the expression is a valid call there, a problem when it is a call
 * anywhere else or has bad arguments, undefined when it is not a call.
 */
function hashFilesProblem(expression: string, path: readonly PathSegment[]): string | null | undefined {
  const call = parseHashFiles(expression);
  if (call === undefined) return undefined;
  const inCacheKey = path.length >= 2 && path.at(-1) === 'key' && path.at(-2) === 'cache';
  if (!inCacheKey) return 'hashFiles() can only be used in a job’s cache.key';
  return 'error' in call ? call.error : null;
}

function pathOf(ancestors: readonly unknown[]): PathSegment[] {
  const path: PathSegment[] = [];
  for (let i = 1; i < ancestors.length; i++) {
    const parent = ancestors[i - 1];
    const child = ancestors[i];
    if (isSeq(parent)) path.push(parent.items.indexOf(child as never));
    else if (isPair(child) && isScalar(child.key)) path.push(String(child.key.value));
  }
  return path;
}

function sortErrors(errors: SpecError[]): SpecError[] {
  return [...errors].sort((a, b) => a.line - b.line || a.column - b.column);
}
