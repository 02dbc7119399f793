import { describe, expect, it } from 'vitest';
import { jsonDepth, MAX_JSON_DEPTH } from './json-body.ts';

describe('jsonDepth', () => {
  it('counts nested objects and arrays, not brackets inside strings', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonDepth('{"a":"[[[[{{{{"}')).toBe(1);
    // An escaped quote does not end the string; an escaped backslash does not escape the quote.
    expect(jsonDepth('{"a":"\\"[[[","b":"\\\\","c":[[]]}')).toBe(3);
  });

  it('stops counting past the limit', () => {
    expect(jsonDepth('['.repeat(100_000))).toBe(MAX_JSON_DEPTH + 1);
  });
});
