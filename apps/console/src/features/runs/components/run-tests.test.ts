import { describe, expect, it } from 'vitest';
import { caseTitle, keyed } from './run-tests.ts';

const ref = { job: 'unit', stage: 'test', suite: 's', classname: '', name: 'n' };

describe('caseTitle', () => {
  it('names the classname only when it says more than the suite and the name', () => {
    expect(caseTitle({ ...ref, suite: 'pytest', classname: 'tests.test_math', name: 'test_add' })).toBe(
      'tests.test_math › test_add',
    );
    expect(caseTitle({ ...ref, suite: 'com.x.CartTest', classname: 'com.x.CartTest', name: 'adds' })).toBe(
      'adds',
    );
    expect(caseTitle({ ...ref, suite: 'cart', classname: 'cart adds', name: 'cart adds an item' })).toBe(
      'cart adds an item',
    );
    expect(caseTitle({ ...ref, classname: '', name: 'bare' })).toBe('bare');
  });
});

describe('keyed', () => {
  it('gives a case listed twice two keys, and different cases different keys', () => {
    const keys = keyed([ref, { ...ref, name: 'other' }, ref]).map((k) => k.key);
    expect(new Set(keys).size).toBe(3);
    expect(keys[0]).not.toBe(keys[2]);
  });
});
