import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  durationMsOf,
  type JUnitParseResult,
  MESSAGE_MAX_CHARS,
  type ParsedTestCase,
  parseJUnitReport,
  STACK_MAX_CHARS,
} from './junit-xml.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');

async function fixture(name: string): Promise<JUnitParseResult> {
  return parseJUnitReport(await readFile(path.join(FIXTURES, name), 'utf8'));
}

function casesOf(result: JUnitParseResult): ParsedTestCase[] {
  if (!result.ok) throw new Error(`expected a report, got: ${result.message}`);
  return result.cases;
}

/** What identifies and summarises a case, for compact expectations. */
const brief = (c: ParsedTestCase) => [c.suite, c.classname, c.name, c.status, c.durationMs];

describe('JUnit XML reports of the common test runners', () => {
  it('reads vitest’s junit reporter: entities in names, failures, <skipped/>, system-out ignored', async () => {
    const cases = casesOf(await fixture('vitest-junit.xml'));
    expect(cases.map(brief)).toEqual([
      ['src/math.test.ts', 'src/math.test.ts', 'math > adds', 'passed', 1],
      ['src/math.test.ts', 'src/math.test.ts', 'math > divides', 'failed', 2],
      ['src/math.test.ts', 'src/math.test.ts', 'math > rounds', 'skipped', 0],
      ['src/strings.test.ts', 'src/strings.test.ts', 'pads', 'passed', 1],
    ]);
    expect(cases[1]).toMatchObject({
      message: 'expected 3 to be 4 // Object.is equality',
      stack: 'AssertionError: expected 3 to be 4 // Object.is equality\n ❯ src/math.test.ts:9:21',
    });
    expect(cases[2]?.message).toBeNull();
    expect(cases[3]).toMatchObject({ message: null, stack: null });
  });

  it('reads jest-junit, whose failures have no message attribute: the text’s first line is the message', async () => {
    const cases = casesOf(await fixture('jest-junit.xml'));
    expect(cases.map(brief)).toEqual([
      ['cart', 'cart adds an item', 'cart adds an item', 'passed', 11],
      ['cart', 'cart applies a coupon', 'cart applies a coupon', 'failed', 54],
      ['checkout', 'checkout pays', 'checkout pays', 'passed', 2],
    ]);
    expect(cases[1]?.message).toBe('Error: expect(received).toBe(expected) // Object.is equality');
    expect(cases[1]?.stack).toContain('at Object.toBe (/app/src/cart.test.js:14:27)');
  });

  it('reads pytest --junitxml: <error> counts as failed, numeric character references decoded', async () => {
    const cases = casesOf(await fixture('pytest.xml'));
    expect(cases.map(brief)).toEqual([
      ['pytest', 'tests.test_math', 'test_add', 'passed', 1],
      ['pytest', 'tests.test_math', 'test_sub', 'failed', 1],
      ['pytest', 'tests.test_math', 'test_div[0]', 'skipped', 0],
      ['pytest', 'tests.test_db', 'test_add', 'failed', 2],
      ['pytest', 'tests.test_db', 'test_query', 'passed', 10],
    ]);
    expect(cases[1]?.message).toBe('assert -1 == 1\n +  where -1 = sub(1, 2)');
    expect(cases[1]?.stack).toContain('>       assert sub(1, 2) == 1\nE       assert -1 == 1');
    expect(cases[2]?.message).toBe('division by zero is undefined');
    expect(cases[3]?.message).toBe(
      'failed on setup with "ConnectionRefusedError: [Errno 111] Connection refused"',
    );
  });

  it('reads Maven Surefire: a <testsuite> root, properties, CDATA stacks, times with thousands separators', async () => {
    const cases = casesOf(await fixture('surefire.xml'));
    expect(cases.map(brief)).toEqual([
      ['com.example.shop.CartTest', 'com.example.shop.CartTest', 'addsItem', 'passed', 12],
      ['com.example.shop.CartTest', 'com.example.shop.CartTest', 'appliesCoupon', 'failed', 34],
      ['com.example.shop.CartTest', 'com.example.shop.CartTest', 'shipsAbroad', 'skipped', 0],
    ]);
    expect(cases[1]?.message).toBe('expected: <90> but was: <100>');
    expect(cases[1]?.stack).toBe(
      'org.opentest4j.AssertionFailedError: expected: <90> but was: <100>\n' +
        '\tat org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)\n' +
        '\tat com.example.shop.CartTest.appliesCoupon(CartTest.java:27)',
    );
    expect(cases[2]?.message).toBe('not yet supported');
  });

  it('reads gotestsum: one suite per package, subtests by name', async () => {
    const cases = casesOf(await fixture('gotestsum.xml'));
    expect(cases.map(brief)).toEqual([
      ['example.com/shop/cart', 'example.com/shop/cart', 'TestAdd', 'passed', 0],
      ['example.com/shop/cart', 'example.com/shop/cart', 'TestCoupon/ten_percent', 'failed', 0],
      ['example.com/shop/pay', 'example.com/shop/pay', 'TestCharge', 'passed', 1],
    ]);
    expect(cases[1]?.message).toBe('Failed');
    expect(cases[1]?.stack).toContain('cart_test.go:21: got 100, want 90\n--- FAIL');
  });

  it('joins nested suites (PHPUnit’s data providers) outermost first', async () => {
    const cases = casesOf(await fixture('nested.xml'));
    expect(cases.map(brief)).toEqual([
      ['Unit › Tests\\CartTest', 'Tests.CartTest', 'testAdds', 'passed', 1],
      [
        'Unit › Tests\\CartTest › Tests\\CartTest::testTotals',
        'Tests.CartTest',
        'testTotals with data set #0',
        'failed',
        2,
      ],
    ]);
    expect(cases[1]?.message).toBe('TypeError: total(): Argument #1 must be of type int');
  });

  it('reads an empty <testsuites/> and a byte order mark', () => {
    expect(parseJUnitReport('\uFEFF<?xml version="1.0"?><testsuites/>')).toEqual({ ok: true, cases: [] });
  });

  it('caps long messages and stacks', () => {
    const long = 'x'.repeat(STACK_MAX_CHARS * 2);
    const xml = `<testsuite name="s"><testcase name="t"><failure message="${long}">${long}</failure></testcase></testsuite>`;
    const [only] = casesOf(parseJUnitReport(xml));
    expect(only?.message).toHaveLength(MESSAGE_MAX_CHARS);
    expect(only?.message?.endsWith('…')).toBe(true);
    expect(only?.stack).toHaveLength(STACK_MAX_CHARS);
  });
});

describe('reports that cannot be read', () => {
  it('says where malformed XML breaks, as line:column', async () => {
    expect(await fixture('malformed-unclosed.xml')).toEqual({
      ok: false,
      message:
        "5:3: Expected closing tag 'testcase' (opened in line 4, col 5) instead of closing tag 'testsuite'.",
    });
  });

  it('refuses text that is not XML, an empty file, and XML that is not JUnit', async () => {
    expect(await fixture('not-xml.txt')).toEqual({ ok: false, message: "1:1: char 'c' is not expected." });
    // Cut off with several elements open (the library says only "Invalid '[…]' found" at 1:1).
    expect(parseJUnitReport('<testsuite name="a">\n  <testcase name="b">')).toEqual({
      ok: false,
      message: '2:22: the file ends before <testsuite>, <testcase> close (a truncated report?)',
    });
    expect(parseJUnitReport('  \n')).toEqual({ ok: false, message: 'the file is empty' });
    expect(await fixture('not-junit.xml')).toEqual({
      ok: false,
      message: 'not a JUnit report: the root element is <coverage>, not <testsuites> or <testsuite>',
    });
  });

  it('refuses a truncated report (an upload cut short)', () => {
    const result = parseJUnitReport('<testsuites><testsuite name="s"><testcase name="a"/>');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toMatch(/^\d+:\d+: /);
  });
});

describe('durationMsOf', () => {
  it('turns JUnit seconds into whole milliseconds; nothing for absent or nonsense times', () => {
    expect(durationMsOf('0.0015')).toBe(2);
    expect(durationMsOf('12')).toBe(12_000);
    expect(durationMsOf('1,234.5')).toBe(1_234_500);
    expect(durationMsOf('')).toBeNull();
    expect(durationMsOf('NaN')).toBeNull();
    expect(durationMsOf('-1')).toBeNull();
    expect(durationMsOf('1e12')).toBe(2_147_483_647);
  });
});
