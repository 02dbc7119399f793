// What a run builds: a branch or a tag. A run's `ref` names a branch by its name
// (`main`, or `refs/heads/main`) and a tag only as `refs/tags/<name>` — git's own
// spelling, the one push webhooks send — so a tag is recognised without asking the
// repository, and a branch named like a tag (`v1.2.3`) stays a branch.

const TAG_PREFIX = 'refs/tags/';
const BRANCH_PREFIX = 'refs/heads/';

/** A branch or a tag, by its short name. */
export interface GitRef {
  kind: 'branch' | 'tag';
  name: string;
}

/** `refs/tags/v1` → tag v1; `refs/heads/main` and `main` → branch main. */
export function parseRunRef(ref: string): GitRef {
  if (ref.startsWith(TAG_PREFIX)) return { kind: 'tag', name: ref.slice(TAG_PREFIX.length) };
  if (ref.startsWith(BRANCH_PREFIX)) return { kind: 'branch', name: ref.slice(BRANCH_PREFIX.length) };
  return { kind: 'branch', name: ref };
}

/** How a run stores its ref: a branch by its name, a tag as `refs/tags/<name>`. */
export function formatRunRef(ref: GitRef): string {
  return ref.kind === 'tag' ? `${TAG_PREFIX}${ref.name}` : ref.name;
}

/**
 * Why `ref` cannot be built, or undefined: the name must not be empty and must hold no
 * control character (git refuses those in ref names; `git check-ref-format`).
 */
export function invalidRunRef(ref: string): string | undefined {
  const { kind, name } = parseRunRef(ref);
  if (name === '') return `the ${kind} name is empty`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) return `a ${kind} name cannot contain control characters`;
  return undefined;
}

/** The `git.branch` and `git.tag` of a run on `ref`: one of them is empty. */
export function refVariables(ref: string): { branch: string; tag: string } {
  const parsed = parseRunRef(ref);
  return parsed.kind === 'tag' ? { branch: '', tag: parsed.name } : { branch: parsed.name, tag: '' };
}
