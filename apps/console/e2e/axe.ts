// The accessibility audit of the browser tests: axe-core (Deque's rules engine, through
// @axe-core/playwright, which injects it into the page and its frames) run on what the page
// shows now. Serious and critical violations fail; each is printed with its rule, the
// elements it names and the rule's help page, so a failure says what to fix.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** The impacts that fail the audit (axe's scale: minor, moderate, serious, critical). */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

/** One failing rule of an audit, as printed. */
export interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  helpUrl: string;
  /** CSS selectors of the offending elements, each with axe's summary of what is wrong. */
  targets: string[];
}

/**
 * Runs axe-core on `page` as it is now (all of axe's rules: WCAG 2.0–2.2 A/AA and best
 * practices) and returns the serious and critical violations. `exclude` lists CSS selectors
 * of regions left out of the audit (third-party widgets the console does not render).
 */
export async function auditAccessibility(
  page: Page,
  options: { exclude?: readonly string[] } = {},
): Promise<AxeFinding[]> {
  // Legacy mode: axe's newer frame handling opens a blank page in the page's context, which
  // the fixture's pages (browser.newPage) do not allow; the console has no cross-origin frames.
  let builder = new AxeBuilder({ page }).setLegacyMode(true);
  for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
  const results = await builder.analyze();
  return results.violations
    .filter((violation) => FAILING_IMPACTS.has(violation.impact ?? ''))
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? '',
      help: violation.help,
      helpUrl: violation.helpUrl,
      targets: violation.nodes.map(
        (node) => `${node.target.join(' ')}: ${node.failureSummary?.replaceAll('\n', ' ') ?? ''}`,
      ),
    }));
}

/** Formats findings for a failure message: one block per rule, one line per element. */
export function formatFindings(where: string, findings: readonly AxeFinding[]): string {
  return findings
    .map(
      (finding) =>
        `${where}: [${finding.impact}] ${finding.rule} — ${finding.help} (${finding.helpUrl})\n${finding.targets
          .map((target) => `    ${target}`)
          .join('\n')}`,
    )
    .join('\n');
}

/**
 * Fails unless axe-core finds no serious or critical violation on `page` as it is now;
 * the message lists each violation's rule, targets and help URL. Call it once the page
 * shows the state to check (after waiting for its heading or table).
 */
export async function expectAccessible(
  page: Page,
  options: { exclude?: readonly string[]; label?: string } = {},
): Promise<void> {
  const findings = await auditAccessibility(page, options);
  const where = options.label ?? new URL(page.url()).pathname;
  expect(findings, formatFindings(where, findings)).toEqual([]);
}
