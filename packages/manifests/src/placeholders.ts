import { BUILT_IN_VARIABLES, didYouMean } from '@slipway/pipeline';

/**
 * Placeholders of manifests beyond the variables every step has (`BUILT_IN_VARIABLES` of
 * @slipway/pipeline): what a deploy knows about the release it makes.
 */
export const RELEASE_PLACEHOLDERS = {
  'release.image': 'The image the deploy step names, expressions filled',
  'release.number': 'The release’s number, counting per project',
} as const;

/** `release.config.<set>`: the name of that config set’s ConfigMap (`<set>-v<version>`). */
export const CONFIG_PLACEHOLDER_PREFIX = 'release.config.';
/** `params.<name>`: a run parameter’s value. */
export const PARAMETER_PLACEHOLDER_PREFIX = 'params.';

/** A slug (config set, parameter name): lowercase letters, digits and `-`/`_` inside. */
const NAME = /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/i;

/** What can stand between `${{` and `}}`: dot-separated names. */
export const PLACEHOLDER_NAME = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;

/**
 * Whether `name` is a placeholder a deploy fills: `release.image`, `release.number`,
 * `release.config.<set>`, `environment.name`, `environment.namespace`, `run.number`,
 * `run.id`, `git.branch`, `git.sha`, `git.shortSha`, `git.tag`, `release.type`,
 * `project.slug`, `workspace.slug`, `params.<name>`.
 */
export function isKnownPlaceholder(name: string): boolean {
  if (name in BUILT_IN_VARIABLES || name in RELEASE_PLACEHOLDERS) return true;
  for (const prefix of [CONFIG_PLACEHOLDER_PREFIX, PARAMETER_PLACEHOLDER_PREFIX])
    if (name.startsWith(prefix)) return NAME.test(name.slice(prefix.length));
  return false;
}

/** Why the text between `${{` and `}}` is no placeholder, or undefined when it is one. */
export function placeholderProblem(expression: string): string | undefined {
  if (expression === '') return 'empty placeholder ${{ }}: write a name such as ${{ release.image }}';
  if (!PLACEHOLDER_NAME.test(expression))
    return `malformed placeholder \${{ ${expression} }}: only a name such as \${{ release.image }} can stand between \${{ and }}`;
  if (isKnownPlaceholder(expression)) return undefined;
  const known = [
    ...Object.keys(RELEASE_PLACEHOLDERS),
    ...Object.keys(BUILT_IN_VARIABLES),
    `${CONFIG_PLACEHOLDER_PREFIX}<set>`,
    `${PARAMETER_PLACEHOLDER_PREFIX}<name>`,
  ];
  return `unknown placeholder \${{ ${expression} }}${didYouMean(expression, known)}`;
}
