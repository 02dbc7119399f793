// JUnit XML, as the common test runners write it: Maven Surefire (the format's de-facto
// reference, https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report.xsd),
// jest-junit and vitest's junit reporter, pytest --junitxml, gotestsum. Parsed with
// fast-xml-parser (validated first, so a malformed file is reported with line:column).
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** How long a case's message may be; longer ones are cut (with "…"). */
export const MESSAGE_MAX_CHARS = 2000;
/** How long a failure's text (the stack trace) may be; longer ones are cut (with "…"). */
export const STACK_MAX_CHARS = 16 * 1024;
/** Suite, classname and name longer than this are cut. */
export const NAME_MAX_CHARS = 1000;
/** What joins nested `<testsuite>` names into one `suite`. */
export const SUITE_SEPARATOR = ' › ';

/** One `<testcase>`, as stored. */
export interface ParsedTestCase {
  suite: string;
  classname: string;
  name: string;
  /** `<failure>` and `<error>` are `failed`; `<skipped>` is `skipped`; otherwise `passed`. */
  status: 'passed' | 'failed' | 'skipped';
  message: string | null;
  stack: string | null;
  /** `time` (seconds, as JUnit writes it) in whole milliseconds; null when absent or not a number. */
  durationMs: number | null;
}

/** The cases of a report, or why it could not be read (`line:column: …` when known). */
export type JUnitParseResult = { ok: true; cases: ParsedTestCase[] } | { ok: false; message: string };

/** An element as fast-xml-parser gives it (attributes prefixed with `@_`, text as `#text`). */
type XmlNode = { [key: string]: unknown };

const TEXT = '#text';
const ATTR = '@_';
/** Elements that may repeat: always arrays, so one and many read alike. */
const REPEATED = new Set(['testsuite', 'testcase', 'failure', 'error', 'skipped']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  textNodeName: TEXT,
  alwaysCreateTextNode: true,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Numeric character references (`&#10;`, which pytest and gotestsum write) are decoded
  // only with this on; the library caps entity expansion.
  htmlEntities: true,
  isArray: (tagName) => REPEATED.has(tagName),
  // Output of the tests is not kept: do not parse what is inside.
  stopNodes: ['*.system-out', '*.system-err'],
});

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function nodesOf(value: unknown): XmlNode[] {
  if (!Array.isArray(value)) return [];
  // `<skipped/>` comes as an empty string: it still counts.
  return value.map((item) => (typeof item === 'object' && item !== null ? (item as XmlNode) : {}));
}

function attribute(node: XmlNode, name: string): string {
  const value = node[`${ATTR}${name}`];
  return typeof value === 'string' ? value : '';
}

function textOf(node: XmlNode): string {
  const value = node[TEXT];
  return typeof value === 'string' ? value.trim() : '';
}

/** JUnit's `time` is seconds with a dot; a few writers add thousands separators (`1,234.5`). */
export function durationMsOf(time: string): number | null {
  if (time.trim() === '') return null;
  const seconds = Number(time.replaceAll(',', ''));
  if (!Number.isFinite(seconds) || seconds < 0) return null;
  return Math.min(Math.round(seconds * 1000), 2_147_483_647);
}

/** The message of a failure or skip: its `message`, else the first line of its text. */
function messageOf(node: XmlNode): string | null {
  const message = attribute(node, 'message').trim() || textOf(node).split('\n', 1)[0]?.trim() || '';
  return message ? cut(message, MESSAGE_MAX_CHARS) : null;
}

function caseOf(node: XmlNode, suite: string): ParsedTestCase {
  const failure = nodesOf(node.failure)[0] ?? nodesOf(node.error)[0];
  const skipped = nodesOf(node.skipped)[0];
  const base = {
    suite: cut(suite, NAME_MAX_CHARS),
    classname: cut(attribute(node, 'classname'), NAME_MAX_CHARS),
    name: cut(attribute(node, 'name'), NAME_MAX_CHARS),
    durationMs: durationMsOf(attribute(node, 'time')),
  };
  if (failure) {
    const stack = textOf(failure);
    return {
      ...base,
      status: 'failed',
      message: messageOf(failure),
      stack: stack ? cut(stack, STACK_MAX_CHARS) : null,
    };
  }
  if (skipped) return { ...base, status: 'skipped', message: messageOf(skipped), stack: null };
  return { ...base, status: 'passed', message: null, stack: null };
}

/** The cases of a `<testsuite>` and of the suites nested in it (PHPUnit, Mocha nest them). */
function collect(suite: XmlNode, path: readonly string[], into: ParsedTestCase[]): void {
  const name = attribute(suite, 'name').trim();
  const here = name ? [...path, name] : path;
  const label = here.join(SUITE_SEPARATOR);
  for (const testcase of nodesOf(suite.testcase)) into.push(caseOf(testcase, label));
  for (const child of nodesOf(suite.testsuite)) collect(child, here, into);
}

/**
 * Parses one JUnit XML report. The root is `<testsuites>` (its name is not part of a case's
 * suite: jest and vitest name it after themselves) or a single `<testsuite>`; `system-out`
 * and `system-err` are ignored. Never throws: malformed XML or another kind of document
 * gives `{ ok: false, message }`.
 */
export function parseJUnitReport(xml: string): JUnitParseResult {
  const text = xml.startsWith('\uFEFF') ? xml.slice(1) : xml;
  if (text.trim() === '') return { ok: false, message: 'the file is empty' };
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    // Several elements left open at the end: fast-xml-parser says "Invalid '[…]' found" at 1:1.
    const open = /^Invalid '(\[.*\])' found\.$/.exec(msg)?.[1];
    if (open) {
      const names = (JSON.parse(open) as string[]).map((name) => `<${name}>`).join(', ');
      const lines = text.split('\n');
      const end = `${lines.length}:${(lines.at(-1)?.length ?? 0) + 1}`;
      return { ok: false, message: `${end}: the file ends before ${names} close (a truncated report?)` };
    }
    return { ok: false, message: `${line}:${col}: ${msg}` };
  }
  let document: XmlNode;
  try {
    document = parser.parse(text) as XmlNode;
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const cases: ParsedTestCase[] = [];
  const root = Object.keys(document).find((key) => !key.startsWith('#'));
  if (root === 'testsuites') {
    const top = nodesOf([document.testsuites])[0] ?? {};
    for (const testcase of nodesOf(top.testcase)) cases.push(caseOf(testcase, ''));
    for (const suite of nodesOf(top.testsuite)) collect(suite, [], cases);
  } else if (root === 'testsuite') {
    for (const suite of nodesOf(document.testsuite)) collect(suite, [], cases);
  } else {
    return {
      ok: false,
      message: `not a JUnit report: the root element is <${root ?? ''}>, not <testsuites> or <testsuite>`,
    };
  }
  return { ok: true, cases };
}
