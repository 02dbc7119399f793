// Secret canaries: unique values put into every kind of secret the product holds, and a
// finder that looks for them in any text in every form a leak could take — raw, each line
// of a multi-line value, base64 (standard and URL-safe, at each of the 3 byte alignments),
// URL-encoded (RFC 3986 and form encoding) and JSON-escaped.
import { randomBytes } from 'node:crypto';

/** One secret value the test planted (or the server generated) and where it came from. */
export interface Canary {
  /** What kind of secret it is, e.g. `credential git` or `session token`. */
  kind: string;
  value: string;
}

/** One form of a canary found in a text: which canary, which form, and a little context. */
export interface CanaryHit {
  kind: string;
  form: string;
  context: string;
}

/** Lines of a multi-line value shorter than this are not looked for alone (too common). */
const MIN_LINE_LENGTH = 12;
/** Base64 fragments shorter than this are not looked for (a short one matches by chance). */
const MIN_BASE64_LENGTH = 16;

/**
 * A unique value for `kind`: a random part no text holds by chance, with the characters
 * that URL encoding changes (`/`, `+`, `=`, `&`, `:`, `%`, space), so the encoded forms
 * differ from the raw one. `lines` > 1 gives a multi-line value (a PEM-like block), each
 * line unique on its own.
 */
export function canaryValue(kind: string, lines = 1): string {
  const tag = kind.replace(/[^a-z0-9]+/gi, '-');
  const one = (n: number) =>
    `cnry-${tag}-${n}-${randomBytes(6).toString('hex')}/+=&:% ${randomBytes(3).toString('hex')}`;
  if (lines === 1) return one(0);
  return [
    '-----BEGIN CANARY KEY-----',
    ...Array.from({ length: lines }, (_, i) => one(i + 1)),
    '-----END CANARY KEY-----',
  ].join('\n');
}

/**
 * The base64 characters that depend only on `bytes` when they are encoded after `offset`
 * other bytes (0–2): a leak encoded inside a longer value shows one of the three.
 */
export function base64Inner(bytes: Buffer, offset: number): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
  // Character i covers bits [6i, 6i + 6): keep those wholly inside the value's bits.
  const from = Math.ceil((offset * 8) / 6);
  const to = Math.floor(((offset + bytes.length) * 8) / 6);
  return encoded.slice(from, to);
}

/** Every form of `value` a leak may take, by name (only forms long enough to be unique). */
export function formsOf(value: string): Map<string, string> {
  const forms = new Map<string, string>();
  const add = (name: string, form: string) => {
    if (!forms.has(name) && ![...forms.values()].includes(form)) forms.set(name, form);
  };
  const pieces = value.includes('\n')
    ? [
        ['whole', value] as const,
        ...value
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line.length >= MIN_LINE_LENGTH && !line.startsWith('-----'))
          .map((line, i) => [`line ${i + 1}`, line] as const),
      ]
    : [['whole', value] as const];
  for (const [piece, text] of pieces) {
    add(`raw (${piece})`, text);
    add(`URL-encoded (${piece})`, encodeURIComponent(text));
    add(`form-encoded (${piece})`, new URLSearchParams({ v: text }).toString().slice(2));
    add(`JSON-escaped (${piece})`, JSON.stringify(text).slice(1, -1));
    for (let offset = 0; offset < 3; offset++) {
      const inner = base64Inner(Buffer.from(text), offset);
      if (inner.length < MIN_BASE64_LENGTH) continue;
      add(`base64 offset ${offset} (${piece})`, inner);
      add(`base64url offset ${offset} (${piece})`, inner.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return forms;
}

/** The canaries of a test and where they turned up. */
export interface CanarySet {
  readonly canaries: readonly Canary[];
  /** Plants a new canary (or records a secret the server made) and returns its value. */
  add(kind: string, value: string): string;
  /** Every form of every canary in `text`; empty when none is there. */
  find(text: string): CanaryHit[];
}

export function canarySet(): CanarySet {
  const canaries: Canary[] = [];
  const forms: { kind: string; form: string; text: string }[] = [];
  return {
    canaries,
    add(kind, value) {
      canaries.push({ kind, value });
      for (const [form, text] of formsOf(value)) forms.push({ kind, form, text });
      return value;
    },
    find(text) {
      const hits: CanaryHit[] = [];
      for (const { kind, form, text: needle } of forms) {
        const at = text.indexOf(needle);
        if (at === -1) continue;
        hits.push({ kind, form, context: text.slice(Math.max(0, at - 80), at + needle.length + 40) });
      }
      return hits;
    },
  };
}
