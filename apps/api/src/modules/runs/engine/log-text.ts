import { isUtf8 } from 'node:buffer';

/**
 * The length of the well-formed UTF-8 sequence at `at` (Unicode 15, table 3-7: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0 when the byte there starts none.
 */
function sequenceAt(bytes: Buffer, at: number): number {
  const b0 = bytes[at] ?? 0;
  if (b0 < 0x80) return 1;
  const next = (offset: number, low = 0x80, high = 0xbf) => {
    const b = bytes[at + offset];
    return b !== undefined && b >= low && b <= high;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return next(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const low = b0 === 0xe0 ? 0xa0 : 0x80;
    const high = b0 === 0xed ? 0x9f : 0xbf; // ED A0..BF would be a surrogate
    return next(1, low, high) && next(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const low = b0 === 0xf0 ? 0x90 : 0x80;
    const high = b0 === 0xf4 ? 0x8f : 0xbf;
    return next(1, low, high) && next(2) && next(3) ? 4 : 0;
  }
  return 0;
}

/** Whether `bytes` are well-formed UTF-8 without NUL: text PostgreSQL stores as is. */
export function isPlainText(bytes: Buffer): boolean {
  return bytes.indexOf(0) === -1 && isUtf8(bytes);
}

const escapeOf = (byte: number) => `\\x${byte.toString(16).padStart(2, '0')}`;

/**
 * Log bytes as text PostgreSQL can store and JSON can carry: well-formed UTF-8 as is;
 * NUL and every byte that is not part of well-formed UTF-8 (invalid bytes such as 0xFF,
 * a cut or overlong sequence, an encoded surrogate) as `\xHH`, one escape per byte.
 * Other control characters (ESC of ANSI colours, a lone CR) are kept.
 */
export function logText(bytes: Buffer): string {
  if (isPlainText(bytes)) return bytes.toString('utf8');
  let text = '';
  let from = 0; // start of the well-formed run not yet copied
  let at = 0;
  while (at < bytes.length) {
    const length = bytes[at] === 0 ? 0 : sequenceAt(bytes, at);
    if (length > 0) {
      at += length;
      continue;
    }
    text += bytes.toString('utf8', from, at) + escapeOf(bytes[at] ?? 0);
    at += 1;
    from = at;
  }
  return text + bytes.toString('utf8', from, at);
}

/**
 * Where a cut before `at` keeps UTF-8 characters whole: `at` moved back over at most three
 * continuation bytes when a character that starts before it would be split.
 */
export function characterBoundary(bytes: Buffer, at: number, floor: number): number {
  for (let back = 0; back < 4 && at - back > floor; back++) {
    const start = at - back;
    const byte = bytes[start] ?? 0;
    if ((byte & 0xc0) !== 0x80) {
      // `start` begins a character (or is a stray byte): cut before it if it runs past `at`.
      return start + Math.max(sequenceAt(bytes, start), 1) > at ? start : at;
    }
  }
  return at;
}
