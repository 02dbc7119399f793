// Reading /metrics in tests: the text is parsed by a Prometheus text-format parser
// (prom2javascript), and samples are looked up by name and labels.
import { getMetricsFromIterator, type PromMetric, type PromMetrics } from 'prom2javascript';
import { expect } from 'vitest';

/** The parsed families of one scrape, by metric name. */
export type Scrape = PromMetrics;

/** One sample: a counter's or gauge's `value`, or a histogram's `buckets`, `count` and `sum`. */
export interface Sample {
  labels: Record<string, string>;
  value?: number;
  buckets?: Record<string, number>;
  count?: number;
  sum?: number;
}

/** GETs the metrics URL, checks the status and content type, and parses the text. */
export async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  // prom2javascript reads no NaN, which prom-client writes as `Nan` (Prometheus reads it as
  // NaN) for Node's event-loop lag before its first measurement: such samples are left out.
  const lines = (await response.text()).split('\n').filter((line) => !line.endsWith(' Nan'));
  return getMetricsFromIterator(lines[Symbol.iterator]());
}

/** The family of that name; fails when the scrape has none. */
export function family(scraped: Scrape, name: string): PromMetric {
  const found = scraped[name];
  if (!found) throw new Error(`no ${name} in the scrape (it has ${Object.keys(scraped).join(', ')})`);
  return found;
}

/** The samples of the family whose labels include `labels`. */
export function samples(scraped: Scrape, name: string, labels: Record<string, string> = {}): Sample[] {
  return (family(scraped, name).data as Sample[]).filter((sample) =>
    Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
}

/**
 * The sum of a counter's or gauge's values (or a histogram's counts) over the samples whose
 * labels include `labels`; 0 when none matches (a labelled series not observed yet).
 */
export function total(scraped: Scrape, name: string, labels: Record<string, string> = {}): number {
  return samples(scraped, name, labels).reduce(
    (sum, sample) => sum + (sample.value ?? sample.count ?? Number.NaN),
    0,
  );
}
