/** A run of text drawn with one style; `className` is empty for the default style. */
export interface AnsiSegment {
  text: string;
  className: string;
}

const COLOUR_NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;
const ESC = 0x1b;
const BEL = 0x07;

interface Style {
  colour: string | undefined;
  bold: boolean;
}

function classNameOf(style: Style): string {
  const classes: string[] = [];
  if (style.colour) classes.push(`log-fg-${style.colour}`);
  if (style.bold) classes.push('log-bold');
  return classes.join(' ');
}

/** Applies one SGR sequence's parameters (`1;31`) to the style; unknown ones are ignored. */
function applySgr(style: Style, parameters: string): Style {
  let next = style;
  // `ESC[m` is a reset, like `ESC[0m`.
  const codes = parameters === '' ? [0] : parameters.split(/[;:]/).map((code) => Number(code || '0'));
  for (let index = 0; index < codes.length; index++) {
    const code = codes[index] ?? 0;
    // Extended colours (`38;5;n`, `38;2;r;g;b` and the background twins) carry arguments
    // that must not be read as codes of their own.
    if (code === 38 || code === 48) {
      index += codes[index + 1] === 5 ? 2 : codes[index + 1] === 2 ? 4 : 0;
      continue;
    }
    if (code === 0) next = { colour: undefined, bold: false };
    else if (code === 1) next = { ...next, bold: true };
    else if (code === 22) next = { ...next, bold: false };
    else if (code === 39) next = { ...next, colour: undefined };
    else if (code >= 30 && code <= 37) next = { ...next, colour: COLOUR_NAMES[code - 30] };
    else if (code >= 90 && code <= 97) next = { ...next, colour: `bright-${COLOUR_NAMES[code - 90]}` };
  }
  return next;
}

/**
 * Where the escape sequence starting at `start` (an ESC) ends, and its SGR parameters
 * when it is one (`ESC [ params m`). Other CSI, OSC and two-character escapes are skipped.
 */
function readEscape(text: string, start: number): { end: number; sgr: string | undefined } {
  const kind = text[start + 1];
  if (kind === '[') {
    let index = start + 2;
    // Parameter and intermediate bytes (0x20–0x3f), then one final byte (0x40–0x7e).
    while (index < text.length && text.charCodeAt(index) >= 0x20 && text.charCodeAt(index) <= 0x3f) index++;
    if (index >= text.length) return { end: text.length, sgr: undefined };
    const final = text[index];
    const parameters = text.slice(start + 2, index);
    const isSgr = final === 'm' && /^[0-9;:]*$/.test(parameters);
    return { end: index + 1, sgr: isSgr ? parameters : undefined };
  }
  if (kind === ']') {
    // Operating-system command (window titles, hyperlinks): ends at BEL or ESC \.
    for (let index = start + 2; index < text.length; index++) {
      if (text.charCodeAt(index) === BEL) return { end: index + 1, sgr: undefined };
      if (text.charCodeAt(index) === ESC && text[index + 1] === '\\')
        return { end: index + 2, sgr: undefined };
    }
    return { end: text.length, sgr: undefined };
  }
  // Other escapes: intermediate bytes (`ESC ( B` picks a character set), then one final byte.
  let index = start + 1;
  while (index < text.length && text.charCodeAt(index) >= 0x20 && text.charCodeAt(index) <= 0x2f) index++;
  return { end: Math.min(index + 1, text.length), sgr: undefined };
}

/**
 * Splits one log line into styled segments: SGR colours 30–37 and 90–97, bold (1) and reset
 * (0) become classes; every other escape sequence is removed. Each line starts unstyled, so
 * a virtualised viewer can draw any line without reading the ones before it.
 */
export function parseAnsi(line: string): AnsiSegment[] {
  const segments: AnsiSegment[] = [];
  let style: Style = { colour: undefined, bold: false };
  let textStart = 0;
  const push = (end: number) => {
    if (end <= textStart) return;
    const text = line.slice(textStart, end);
    const className = classNameOf(style);
    const last = segments.at(-1);
    if (last && last.className === className) last.text += text;
    else segments.push({ text, className });
  };
  let index = line.indexOf('\u001b');
  while (index !== -1) {
    push(index);
    const sequence = readEscape(line, index);
    if (sequence.sgr !== undefined) style = applySgr(style, sequence.sgr);
    textStart = sequence.end;
    index = line.indexOf('\u001b', sequence.end);
  }
  push(line.length);
  return segments;
}

/** The line's text without any escape sequence (for search results and copying). */
export function stripAnsi(line: string): string {
  return parseAnsi(line)
    .map((segment) => segment.text)
    .join('');
}
