import type { PromHistogramData, PromMetric, PromMetrics } from 'prom2javascript';
import { getMetricsFromIterator } from 'prom2javascript';

export type { PromHistogramData, PromMetric, PromMetrics };

/**
 * Fetches `/metrics` and parses it with a Prometheus text-format parser library (not a regex): a line it
 * cannot parse fails the scrape.
 */
export async function scrape(
  baseUrl: string,
  token?: string,
): Promise<{ status: number; contentType: string | null; text: string; families: PromMetrics }> {
  const response = await fetch(`${baseUrl}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await response.text();
  const families = response.status === 200 ? await getMetricsFromIterator(text.split('\n')[Symbol.iterator]()) : {};
  return { status: response.status, contentType: response.headers.get('content-type'), text, families };
}

function matches(sample: { labels: Record<string, string> }, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([key, value]) => sample.labels[key] === value);
}

/** The value of the counter or gauge sample of `name` whose labels include `labels`, or undefined. */
export function sampleValue(
  families: PromMetrics,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const data = families[name]?.data as Array<{ labels: Record<string, string>; value?: number }> | undefined;
  return data?.find((sample) => matches(sample, labels))?.value;
}

/** The histogram sample of `name` whose labels include `labels`. */
export function histogramOf(
  families: PromMetrics,
  name: string,
  labels: Record<string, string> = {},
): PromHistogramData | undefined {
  const family = families[name];
  if (family?.type !== 'histogram') return undefined;
  return (family.data as PromHistogramData[]).find((sample) => matches(sample, labels));
}
