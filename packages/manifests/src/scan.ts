import { EXPRESSION, formatPath, keyText, type LoadedYaml, loadYamlDocuments } from '@slipway/pipeline';
import { type Document, isPair, isSeq, type LineCounter, type Scalar, visit } from 'yaml';
import { placeholderProblem } from './placeholders.ts';

/** One document of a manifest file, as read. */
export interface ReadDocument {
  file: string;
  text: string;
  loaded: LoadedYaml;
}

/** Where a `${{ … }}` was found in a file. */
export interface FoundPlaceholder {
  /** The text between `${{` and `}}`, trimmed ('' when empty; the rest of the text when unterminated). */
  name: string;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** The field path in the object (`spec.template.spec.containers[0].image`). */
  path: string;
  /** Why it is no valid placeholder, if it is not one. */
  problem?: string;
  /** The scalar it is in, and its document. */
  node: Scalar;
  doc: Document;
  /** The scalar is a map key. */
  isKey: boolean;
  /** The placeholder is the scalar's whole value. */
  whole: boolean;
}

/** Every document of every file, in file order then document order. */
export function readFiles(files: Readonly<Record<string, string>>): ReadDocument[] {
  const documents: ReadDocument[] = [];
  for (const [file, text] of Object.entries(files))
    for (const loaded of loadYamlDocuments(text)) documents.push({ file, text, loaded });
  return documents;
}

const EXPRESSION_AT = new RegExp(EXPRESSION.source, 'y');
const OPENING = '${{';

/** Every `${{` in a document's string scalars (keys too), at the placeholder itself. */
export function scanPlaceholders({ file, text, loaded }: ReadDocument): FoundPlaceholder[] {
  const found: FoundPlaceholder[] = [];
  const doc = loaded.doc;
  if (!doc) return found;
  const lineCounter: LineCounter = loaded.lineCounter;
  visit(doc, {
    Scalar(_key, node, ancestors) {
      const value = node.value;
      if (typeof value !== 'string' || !value.includes(OPENING) || !node.range) return;
      const chain = [...ancestors.slice(1), node];
      const path: (string | number)[] = [];
      for (let i = 0; i + 1 < chain.length; i++) {
        const parent = chain[i];
        if (isPair(parent)) path.push(keyText(parent.key));
        else if (isSeq(parent)) path.push(parent.items.indexOf(chain[i + 1] as never));
      }
      const parent = ancestors[ancestors.length - 1];
      const isKey = isPair(parent) && parent.key === node;
      // Point at each placeholder in the source when the source spells the value out as it
      // is (no escapes or line folding moved them); otherwise at the scalar.
      const start = node.range[0];
      const source = text.slice(start, node.range[1]);
      const inSource = offsetsOf(source);
      const inValue = offsetsOf(value);
      inValue.forEach((offset, index) => {
        const sourceOffset = inSource.length === inValue.length ? (inSource[index] ?? 0) : 0;
        const { line, col } = lineCounter.linePos(start + sourceOffset);
        const at = { file, line, column: col, path: formatPath(path), node, doc, isKey };
        EXPRESSION_AT.lastIndex = offset;
        const match = EXPRESSION_AT.exec(value);
        if (!match) {
          const rest = value.slice(offset + OPENING.length);
          found.push({
            ...at,
            name: rest.trim(),
            whole: false,
            problem: `unterminated placeholder: '\${{' without '}}' (write \${{ name }})`,
          });
          return;
        }
        const name = match[1] ?? '';
        const problem = placeholderProblem(name);
        found.push({
          ...at,
          name,
          whole: offset === 0 && match[0].length === value.length,
          ...(problem ? { problem } : {}),
        });
      });
    },
  });
  return found;
}

/** Where each `${{` starts in `text`. */
function offsetsOf(text: string): number[] {
  const offsets: number[] = [];
  for (let at = text.indexOf(OPENING); at >= 0; at = text.indexOf(OPENING, at + OPENING.length))
    offsets.push(at);
  return offsets;
}
