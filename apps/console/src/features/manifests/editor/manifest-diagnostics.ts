import type { ManifestProblem } from '@slipway/contracts';
import type { ManifestDraft } from './manifest-files.ts';

/**
 * The problems the server's parser would find in the files (YAML, objects, placeholders),
 * found in the browser while typing.
 */
export function localProblems(_files: ManifestDraft): ManifestProblem[] {
  return [];
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
