import { didYouMean } from './errors.ts';

/** Built-in variables usable as `${{ name }}` anywhere in a spec, besides `params.<name>`. */
export const BUILT_IN_VARIABLES = {
  'run.number': 'The build number, counting per pipeline',
  'run.id': 'The run’s unique id',
  'git.branch': 'The branch being built',
  'git.sha': 'The commit being built',
  'git.shortSha': 'The first 8 characters of the commit',
  'git.tag': 'The tag being built, if any',
  'release.type': 'The release type chosen for the run',
  'environment.name': 'The environment deployed to',
  'environment.namespace': 'The environment’s Kubernetes namespace',
  'project.slug': 'The project',
  'workspace.slug': 'The workspace',
} as const;

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

/** Replaces every `${{ … }}` with its value. */
export function interpolate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(EXPRESSION, (whole, expression: string) => values[expression] ?? whole);
}
