import { didYouMean } from './errors.ts';
import { globBracketProblem, globLeavesWorkspace } from './schema.ts';

/** Built-in variables usable as `${{ name }}` anywhere in a spec, besides `params.<name>`. */
export const BUILT_IN_VARIABLES = {
  'run.number': 'The build number, counting per pipeline',
  'run.id': 'The run’s unique id',
  'git.branch': 'The branch being built (empty when a tag is built)',
  'git.sha': 'The commit being built',
  'git.shortSha': 'The first 8 characters of the commit',
  'git.tag': 'The tag being built, if any',
  'release.type': 'The release type chosen for the run',
  'environment.name': 'The environment deployed to',
  'environment.namespace': 'The environment’s Kubernetes namespace',
  'project.slug': 'The project',
  'workspace.slug': 'The workspace',
} as const;

/**
 * The environment variable each built-in variable reaches a step in. A `${{ }}` in a
 * script is replaced by a reference to it (see shell-render.ts), so its value is data.
 */
export const BUILT_IN_ENV: Readonly<Record<keyof typeof BUILT_IN_VARIABLES, string>> = {
  'run.number': 'SLIPWAY_RUN_NUMBER',
  'run.id': 'SLIPWAY_RUN_ID',
  'git.branch': 'SLIPWAY_BRANCH',
  'git.sha': 'SLIPWAY_SHA',
  'git.shortSha': 'SLIPWAY_SHORT_SHA',
  'git.tag': 'SLIPWAY_TAG',
  'release.type': 'SLIPWAY_RELEASE_TYPE',
  'environment.name': 'SLIPWAY_ENVIRONMENT',
  'environment.namespace': 'SLIPWAY_NAMESPACE',
  'project.slug': 'SLIPWAY_PROJECT',
  'workspace.slug': 'SLIPWAY_WORKSPACE',
};

export const PARAMETER_ENV_PREFIX = 'SLIPWAY_PARAM_';
export const SECRET_ENV_PREFIX = 'SLIPWAY_SECRET_';

/** `release-notes` → `RELEASE_NOTES`: the part of an environment variable's name a parameter gives. */
function envPart(parameter: string): string {
  return parameter.replace(/-/g, '_').toUpperCase();
}

/** The environment variable a parameter's value reaches a step in (`SLIPWAY_PARAM_<NAME>`). */
export function parameterEnvName(parameter: string): string {
  return `${PARAMETER_ENV_PREFIX}${envPart(parameter)}`;
}

/** The environment variable a secret parameter is passed in (`SLIPWAY_SECRET_<NAME>`, from the job's Secret). */
export function secretEnvName(parameter: string): string {
  return `${SECRET_ENV_PREFIX}${envPart(parameter)}`;
}

export const EXPRESSION = /\$\{\{\s*([^}]*?)\s*\}\}/g;

/** Why an expression is not a known variable, or undefined when it is. */
export function unknownVariable(expression: string, parameters: readonly string[]): string | undefined {
  if (expression in BUILT_IN_VARIABLES) return undefined;
  if (expression.startsWith('params.')) {
    const name = expression.slice('params.'.length);
    if (parameters.includes(name)) return undefined;
    return `unknown parameter '${name}' in \${{ ${expression} }}${
      parameters.length ? ` (declared: ${parameters.join(', ')})` : ' (no parameters are declared)'
    }`;
  }
  const known = [...Object.keys(BUILT_IN_VARIABLES), ...parameters.map((p) => `params.${p}`)];
  return `unknown variable \${{ ${expression} }}${didYouMean(expression, known)}`;
}

/**
 * Replaces every `${{ … }}` with its value, for places where text is data, never shell
 * code (build arguments); scripts go through `renderScript` instead.
 */
export function interpolate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(EXPRESSION, (whole, expression: string) => values[expression] ?? whole);
}

/** `hashFiles('a', "b/**")`: the call, with its arguments unparsed. */
const HASH_FILES_CALL = /^hashFiles\s*\((.*)\)$/s;
const QUOTED_ARGUMENT = /\s*(?:'([^']*)'|"([^"]*)")\s*(,|$)/y;

/**
 * Reads a `hashFiles(…)` expression (GitHub Actions' function of that name, which only a
 * cache key may use here): one or more quoted globs relative to the workspace. Returns
 * undefined when the expression is not a `hashFiles` call, `{ error }` when its arguments are
 * not quoted globs.
 */
export function parseHashFiles(expression: string): { globs: string[] } | { error: string } | undefined {
  const call = HASH_FILES_CALL.exec(expression.trim());
  if (!call) {
    return /^hashFiles\b/.test(expression.trim())
      ? {
          error: `hashFiles() is written hashFiles('glob', …) with its closing ")": cannot read "${expression.trim()}"`,
        }
      : undefined;
  }
  const text = call[1] ?? '';
  const globs: string[] = [];
  QUOTED_ARGUMENT.lastIndex = 0;
  while (QUOTED_ARGUMENT.lastIndex < text.length) {
    const at = QUOTED_ARGUMENT.lastIndex;
    const match = QUOTED_ARGUMENT.exec(text);
    if (!match) {
      return {
        error: `hashFiles() takes quoted globs, like hashFiles('package-lock.json'): cannot read "${text.slice(at)}"`,
      };
    }
    const glob = match[1] ?? match[2] ?? '';
    if (glob === '' || globLeavesWorkspace(glob))
      return { error: `hashFiles() globs are relative to the workspace, without "..": '${glob}'` };
    const problem = globBracketProblem(glob);
    if (problem) return { error: `hashFiles('${glob}') ${problem}` };
    globs.push(glob);
    if (match[3] === '') break;
  }
  if (globs.length === 0)
    return { error: "hashFiles() needs at least one glob, like hashFiles('package-lock.json')" };
  return { globs };
}
