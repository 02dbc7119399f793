import { ManifestPathSchema, type ManifestProblem } from '@slipway/contracts';
import { ApiError } from '../../../api/client.ts';

/** A manifest set's files being edited: path → YAML text, in the order they are listed. */
export type ManifestDraft = Readonly<Record<string, string>>;

/**
 * Why `path` cannot name a file of `files` (as `ManifestPathSchema` of the API says, or
 * because another file has it), or undefined when it can. `except` is the file being renamed.
 */
export function filePathProblem(files: ManifestDraft, path: string, except?: string): string | undefined {
  const checked = ManifestPathSchema.safeParse(path);
  if (!checked.success) return checked.error.issues[0]?.message ?? 'not a valid file path';
  if (path !== except && Object.hasOwn(files, path)) return `there is a file ${path} already`;
  return undefined;
}

/** The files with an empty `path` added at the end. */
export function addFile(files: ManifestDraft, path: string): ManifestDraft {
  return { ...files, [path]: '' };
}

/** The files with `from` renamed to `to`, in the same place of the list. */
export function renameFile(files: ManifestDraft, from: string, to: string): ManifestDraft {
  return Object.fromEntries(Object.entries(files).map(([path, text]) => [path === from ? to : path, text]));
}

export function removeFile(files: ManifestDraft, path: string): ManifestDraft {
  return Object.fromEntries(Object.entries(files).filter(([other]) => other !== path));
}

/** The file shown after `removed` is gone: the one after it, else the one before, else none. */
export function neighbourOf(files: ManifestDraft, removed: string): string | null {
  const paths = Object.keys(files);
  const index = paths.indexOf(removed);
  return paths[index + 1] ?? paths[index - 1] ?? null;
}

/**
 * Problems found by the server for the files as they were sent: they still apply to a file
 * only while its text is unchanged (their lines would point elsewhere after an edit).
 */
export interface CheckedProblems {
  files: ManifestDraft;
  problems: readonly ManifestProblem[];
}

/** The checked problems that still apply to `files` (see `CheckedProblems`). */
export function currentProblems(checked: CheckedProblems | null, files: ManifestDraft): ManifestProblem[] {
  if (!checked) return [];
  return checked.problems.filter((problem) => files[problem.file] === checked.files[problem.file]);
}

const FILE_FIELD = /^body\.files(?:\.|\[")(.+?)(?:"\])?$/;

/**
 * The manifest problems of a refused save (400): each of the error's `details` that names a
 * file (`field: body.files.<path>` or the detail's own `file`) and a line. Other failures
 * (a 409, a 403) have none and are shown as the form's error.
 */
export function problemsOfError(error: unknown, files: ManifestDraft): ManifestProblem[] {
  if (!(error instanceof ApiError) || error.statusCode !== 400) return [];
  return (error.body.details ?? []).flatMap((detail) => {
    const named = (detail as { file?: unknown }).file;
    const file = typeof named === 'string' ? named : FILE_FIELD.exec(detail.field ?? '')?.[1];
    if (file === undefined || !Object.hasOwn(files, file)) return [];
    // The message repeats where ("4:7 spec.ports: …") for readers of the bare JSON.
    let message = detail.message.replace(/^\d+:\d+ /, '');
    if (detail.path && message.startsWith(`${detail.path}: `))
      message = message.slice(detail.path.length + 2);
    return [
      {
        file,
        line: detail.line ?? 1,
        column: detail.column ?? 1,
        path: detail.path ?? null,
        message,
      },
    ];
  });
}

/** Problems ordered by file (in list order), line and column. */
export function sortProblems(problems: readonly ManifestProblem[], files: ManifestDraft): ManifestProblem[] {
  const order = Object.keys(files);
  return [...problems].sort(
    (a, b) => order.indexOf(a.file) - order.indexOf(b.file) || a.line - b.line || a.column - b.column,
  );
}
