import type { ManifestProblem } from '@slipway/contracts';
import { parseManifests } from '@slipway/manifests';
import type { ManifestDraft } from './manifest-files.ts';

/**
 * The problems the server's parser finds in the files (YAML syntax, documents that are no
 * Kubernetes object, an object given twice, unknown or malformed `${{ }}` placeholders):
 * the same `parseManifests`, run in the browser while typing.
 */
export function localProblems(files: ManifestDraft): ManifestProblem[] {
  return parseManifests({ ...files }).problems;
}

const keyOf = (problem: ManifestProblem) =>
  `${problem.file}:${problem.line}:${problem.column}:${problem.message}`;

/** `problems` without repeats (the same finding from the browser and from the server). */
export function uniqueProblems(problems: readonly ManifestProblem[]): ManifestProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = keyOf(problem);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
