// Puts `${{ … }}` expressions into a shell script as data, never as code: each expression
// becomes a reference to an environment variable holding its value, written for the
// quoting context it sits in, so that the shell prints exactly the value whatever it
// contains (`$(…)`, backticks, quotes, backslashes, newlines). This is what GitHub Actions
// recommends doing by hand ("use an intermediate environment variable"); here it is done
// for every expression. The scan follows the POSIX shell grammar (XCU 2.2–2.7) far enough
// to know the quoting context: quotes, `$( )`, backticks, `${ }`, `$(( ))`, comments and
// here-documents.

/** How one expression reaches the script. */
export interface ScriptReference {
  /** The environment variable holding the value when the script runs. */
  env: string;
  /**
   * The value, when known at plan time and not secret. Needed only inside a here-document
   * with a quoted delimiter (`<<'EOF'`), where the shell expands nothing.
   */
  value: string | undefined;
}

/** What `resolve` answers: the reference, or why the expression cannot be used. */
export type ResolvedExpression = ScriptReference | { error: string };

export interface RenderedScript {
  script: string;
  /** One message per expression that could not be rendered (unknown, unterminated, unsafe). */
  errors: string[];
}

/** Matches one expression at a position (sticky). */
const EXPRESSION_AT = /\$\{\{\s*([^}]*?)\s*\}\}/y;

type Frame =
  /** Top level, inside `$( )` (closer `)`) or inside backticks (closer `` ` ``). */
  | { kind: 'plain'; closer: ')' | '`' | null; depth: number }
  | { kind: 'double' }
  | { kind: 'single' }
  | { kind: 'comment' }
  /** `${ … }`; `quoted` when it sits inside double quotes. */
  | { kind: 'brace'; quoted: boolean }
  | { kind: 'arith'; depth: number };

interface HereDocument {
  delimiter: string;
  /** `<<'EOF'`, `<<"EOF"`, `<<\EOF`: the body is taken literally. */
  quoted: boolean;
  /** `<<-`: leading tabs are removed from body lines and from the delimiter line. */
  stripTabs: boolean;
}

const WORD_START_AFTER = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')']);
const WORD_END = /[\s;&|<>()]/;

/** How a reference is written in each context (see XCU 2.2 Quoting). */
function referenceFor(frame: Frame | 'heredoc', env: string): string {
  const plain = `\${${env}}`;
  if (frame === 'heredoc') return plain;
  switch (frame.kind) {
    case 'plain':
      return `"${plain}"`;
    case 'single':
      // Close the single quotes, insert a double-quoted reference, open them again.
      return `'"${plain}"'`;
    case 'brace':
      return frame.quoted ? plain : `"${plain}"`;
    default:
      // Inside double quotes, arithmetic and comments nothing is split or globbed.
      return plain;
  }
}

/**
 * Replaces every `${{ expression }}` of `script` with a reference to the environment
 * variable `resolve` names for it, quoted for its context: `"${V}"` unquoted, `${V}` inside
 * double quotes and unquoted here-documents, `'"${V}"'` inside single quotes. Inside a
 * here-document with a quoted delimiter nothing expands, so the value itself is written
 * there — refused when it is secret or would end the here-document early.
 */
export function renderScript(
  script: string,
  resolve: (expression: string) => ResolvedExpression,
): RenderedScript {
  const out: string[] = [];
  const errors: string[] = [];
  const stack: Frame[] = [{ kind: 'plain', closer: null, depth: 0 }];
  const pending: HereDocument[] = [];
  let i = 0;

  const top = () => stack[stack.length - 1] as Frame;

  /** The expression starting at `at`, or undefined when there is none. */
  function expressionAt(at: number): { expression: string; length: number } | undefined {
    if (!script.startsWith('${{', at)) return undefined;
    EXPRESSION_AT.lastIndex = at;
    const match = EXPRESSION_AT.exec(script);
    return match ? { expression: match[1] ?? '', length: match[0].length } : undefined;
  }

  function reference(expression: string): ScriptReference | undefined {
    const resolved = resolve(expression);
    if ('error' in resolved) {
      errors.push(resolved.error);
      return undefined;
    }
    return resolved;
  }

  /** Copies a here-document's body lines (after the line holding its `<<`). */
  function hereDocumentBody(document: HereDocument) {
    while (i < script.length) {
      const lineStart = i;
      const end = script.indexOf('\n', i);
      const line = script.slice(i, end === -1 ? script.length : end);
      i = end === -1 ? script.length : end + 1;
      const newline = end === -1 ? '' : '\n';
      const ends = (text: string) =>
        (document.stripTabs ? text.replace(/^\t+/, '') : text) === document.delimiter;
      if (ends(line)) {
        out.push(line, newline);
        return;
      }
      let rendered = '';
      for (let at = 0; at < line.length; ) {
        const found = expressionAt(lineStart + at);
        if (!found) {
          rendered += line[at];
          at += 1;
          continue;
        }
        at += found.length;
        const ref = reference(found.expression);
        if (!ref) continue;
        if (!document.quoted) {
          rendered += referenceFor('heredoc', ref.env);
        } else if (ref.value === undefined) {
          errors.push(
            `\${{ ${found.expression} }} has its value only when the step runs (a secret, or a manual run's commit), so it cannot be written into a here-document with a quoted delimiter (<<'${document.delimiter}'), where nothing expands; use an unquoted delimiter or "$${ref.env}"`,
          );
        } else {
          rendered += ref.value;
        }
      }
      if (document.quoted && rendered.split('\n').some(ends)) {
        errors.push(
          `a value written into the here-document <<'${document.delimiter}' contains the line "${document.delimiter}", which would end it early`,
        );
      }
      out.push(rendered, newline);
    }
  }

  /** Reads the delimiter word after `<<` / `<<-` and records the here-document. */
  function hereDocumentOperator() {
    let j = i + 2;
    const stripTabs = script[j] === '-';
    if (stripTabs) j += 1;
    while (script[j] === ' ' || script[j] === '\t') j += 1;
    let word = '';
    let quote: string | undefined;
    for (; j < script.length; j++) {
      const c = script[j] as string;
      if (quote) {
        if (c === quote) quote = undefined;
        word += c;
      } else if (c === "'" || c === '"') {
        quote = c;
        word += c;
      } else if (c === '\\' && j + 1 < script.length) {
        word += c + script[j + 1];
        j += 1;
      } else if (WORD_END.test(c)) {
        break;
      } else {
        word += c;
      }
    }
    out.push(script.slice(i, j));
    i = j;
    if (word === '') return;
    pending.push({
      delimiter: word.replace(/\\(.)/g, '$1').replace(/['"]/g, ''),
      quoted: /['"\\]/.test(word),
      stripTabs,
    });
  }

  function copy(length: number) {
    out.push(script.slice(i, i + length));
    i += length;
  }

  /** `$(`, `$((`, `${` and backticks open the same nested contexts in several places. */
  function openNested(c: string, next: string | undefined, quoted: boolean): boolean {
    if (c === '$' && next === '(' && script[i + 2] === '(') {
      stack.push({ kind: 'arith', depth: 0 });
      copy(3);
    } else if (c === '$' && next === '(') {
      stack.push({ kind: 'plain', closer: ')', depth: 0 });
      copy(2);
    } else if (c === '$' && next === '{') {
      stack.push({ kind: 'brace', quoted });
      copy(2);
    } else if (c === '`') {
      stack.push({ kind: 'plain', closer: '`', depth: 0 });
      copy(1);
    } else {
      return false;
    }
    return true;
  }

  /** A backslash quotes the next character; before an expression it has nothing to quote. */
  function backslash() {
    if (expressionAt(i + 1)) i += 1;
    else copy(2);
  }

  while (i < script.length) {
    const frame = top();
    const found = expressionAt(i);
    if (found) {
      i += found.length;
      const ref = reference(found.expression);
      if (ref) out.push(referenceFor(frame, ref.env));
      continue;
    }
    if (script.startsWith('${{', i)) {
      errors.push(`unterminated expression "${script.slice(i, i + 40).split('\n')[0]}": missing "}}"`);
      copy(3);
      continue;
    }
    const c = script[i] as string;
    const next = script[i + 1];
    switch (frame.kind) {
      case 'single':
        if (c === "'") stack.pop();
        copy(1);
        break;
      case 'comment':
        if (c === '\n') stack.pop();
        else copy(1);
        break;
      case 'double':
        if (c === '\\') backslash();
        else if (c === '"') {
          stack.pop();
          copy(1);
        } else if (!openNested(c, next, true)) copy(1);
        break;
      case 'brace':
        if (c === '\\') backslash();
        else if (c === '}') {
          stack.pop();
          copy(1);
        } else if (c === '"') {
          stack.push({ kind: 'double' });
          copy(1);
        } else if (c === "'" && !frame.quoted) {
          stack.push({ kind: 'single' });
          copy(1);
        } else if (!openNested(c, next, frame.quoted)) copy(1);
        break;
      case 'arith':
        if (c === '(') frame.depth += 1;
        if (c === ')' && frame.depth === 0 && next === ')') {
          stack.pop();
          copy(2);
        } else {
          if (c === ')') frame.depth -= 1;
          if (!openNested(c, next, true)) copy(1);
        }
        break;
      case 'plain': {
        const wordStart = i === 0 || WORD_START_AFTER.has(script[i - 1] as string);
        if (c === '\\') backslash();
        else if (c === "'") {
          stack.push({ kind: 'single' });
          copy(1);
        } else if (c === '"') {
          stack.push({ kind: 'double' });
          copy(1);
        } else if (c === '`' && frame.closer === '`') {
          stack.pop();
          copy(1);
        } else if (c === '(' && next === '(' && wordStart) {
          // An arithmetic command, `(( x << 2 ))`: its `<<` is a shift, not a here-document.
          stack.push({ kind: 'arith', depth: 0 });
          copy(2);
        } else if (c === '#' && wordStart) {
          stack.push({ kind: 'comment' });
          copy(1);
        } else if (c === '<' && next === '<' && script[i + 2] === '<') {
          copy(3); // a here-string, not a here-document
        } else if (c === '<' && next === '<') {
          hereDocumentOperator();
        } else if (c === '\n') {
          copy(1);
          for (const document of pending.splice(0)) hereDocumentBody(document);
        } else if (frame.closer === ')' && (c === '(' || c === ')')) {
          if (c === '(') frame.depth += 1;
          else if (frame.depth === 0) stack.pop();
          else frame.depth -= 1;
          copy(1);
        } else if (!openNested(c, next, false)) copy(1);
        break;
      }
    }
  }
  return { script: out.join(''), errors };
}

/** `value` as one double-quoted shell word (`$`, `` ` ``, `"` and `\` escaped). */
export function doubleQuoted(value: string): string {
  return `"${value.replace(/[$`"\\]/g, '\\$&')}"`;
}
