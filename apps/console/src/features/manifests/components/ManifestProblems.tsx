import type { ManifestProblem } from '@slipway/contracts';

/** Every problem of the set's files, each with its file and line:column; a click opens the file. */
export function ManifestProblems(props: {
  problems: readonly ManifestProblem[];
  onOpen: (file: string) => void;
}) {
  if (props.problems.length === 0) return null;
  return (
    <ul className="spec-errors" aria-label="Manifest problems">
      {props.problems.map((problem, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity of their own
        <li key={index}>
          <button type="button" className="link-button" onClick={() => props.onOpen(problem.file)}>
            <code>
              {problem.file}:{problem.line}:{problem.column}
            </code>
          </button>{' '}
          {problem.path ? <strong>{problem.path}: </strong> : null}
          {problem.message}
        </li>
      ))}
    </ul>
  );
}
