import { diffLines } from 'diff';

/** One side of a row of a side-by-side diff: a line's 1-based number and text, and how it changed. */
export interface DiffCell {
  number: number;
  text: string;
  kind: 'same' | 'removed' | 'added';
}

/** A row of a side-by-side diff; a side is null where the other side's line has no counterpart. */
export interface DiffRow {
  old: DiffCell | null;
  new: DiffCell | null;
}

function linesOf(text: string): string[] {
  const lines = text.split('\n');
  // diffLines keeps the line ends: a final newline is no extra empty line.
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Two texts side by side, line by line (jsdiff's `diffLines`, a Myers diff): unchanged lines
 * face each other; a run of removed lines faces the run of added lines that replaces it (as
 * GitHub's split view pairs them), the longer run leaving blanks opposite.
 */
export function sideBySide(before: string, after: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let oldNumber = 1;
  let newNumber = 1;
  let removed: DiffCell[] = [];
  let added: DiffCell[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(removed.length, added.length); i++) {
      rows.push({ old: removed[i] ?? null, new: added[i] ?? null });
    }
    removed = [];
    added = [];
  };
  for (const part of diffLines(before, after)) {
    const lines = linesOf(part.value);
    if (part.removed) {
      for (const text of lines) removed.push({ number: oldNumber++, text, kind: 'removed' });
    } else if (part.added) {
      for (const text of lines) added.push({ number: newNumber++, text, kind: 'added' });
    } else {
      flush();
      for (const text of lines) {
        rows.push({
          old: { number: oldNumber++, text, kind: 'same' },
          new: { number: newNumber++, text, kind: 'same' },
        });
      }
    }
  }
  flush();
  return rows;
}

/** Whether a value is shown as lines side by side (a file) rather than inline `old → new`. */
export function isMultiLine(...values: (string | null)[]): boolean {
  return values.some((value) => value?.includes('\n') ?? false);
}
