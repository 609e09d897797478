import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CellCounter } from './counter-cells.js';
import { CellHistogram } from './histogram-cells.js';

const BUCKETS = [0.01, 0.1, 1, 10];
const LABELS = ['model', 'provider'];

/** The same observations through prom-client's Histogram and through a CellHistogram, both registries' text. */
async function bothHistograms(observations: Array<[string[], number]>): Promise<[string, string]> {
  const own = new Registry();
  const reference = new Histogram({
    name: 'h_seconds',
    help: 'A help.',
    labelNames: LABELS,
    buckets: BUCKETS,
    registers: [own],
  });
  const ours = new Registry();
  const cells = new CellHistogram(ours, { name: 'h_seconds', help: 'A help.', labelNames: LABELS, buckets: BUCKETS });
  for (const [values, value] of observations) {
    reference.labels(...values).observe(value);
    cells.cell(values).observe(value);
  }
  return [await own.metrics(), await ours.metrics()];
}

describe('cell metrics', () => {
  it('renders a histogram as prom-client does: cumulative buckets, +Inf, sum, count, first-observed order', async () => {
    const [reference, ours] = await bothHistograms([
      [['b', 'up'], 0.1],
      [['a', 'up'], 0.005],
      [['b', 'up'], 0.3],
      [['b', 'up'], 42],
      [['a', 'up'], 10],
      [['a', 'other'], 0.0999],
    ]);
    expect(ours).toBe(reference);
    expect(ours).toContain('h_seconds_bucket{le="0.1",model="b",provider="up"} 1\n');
    expect(ours).toContain('h_seconds_bucket{le="+Inf",model="b",provider="up"} 3\n');
    expect(ours).toContain('h_seconds_sum{model="b",provider="up"} 42.4\n');
  });

  it('renders a counter as prom-client does, fractional amounts summed in the same order', async () => {
    const own = new Registry();
    const reference = new Counter({ name: 'c_total', help: 'A help.', labelNames: LABELS, registers: [own] });
    const ours = new Registry();
    const cells = new CellCounter(ours, { name: 'c_total', help: 'A help.', labelNames: LABELS });
    for (const [values, amount] of [
      [['x', 'up'], 0.1],
      [['y', 'up'], 3],
      [['x', 'up'], 0.2],
      [['x', 'up'], 0.0000137],
    ] as const) {
      reference.labels(...values).inc(amount);
      cells.cell(values).inc(amount);
    }
    expect(await ours.metrics()).toBe(await own.metrics());
    expect(await ours.metrics()).toContain(`c_total{model="x",provider="up"} ${0.1 + 0.2 + 0.0000137}\n`);
  });

  it('keeps counting between scrapes (a scrape copies the totals, it does not move them)', async () => {
    const registry = new Registry();
    const cells = new CellCounter(registry, { name: 'c_total', help: 'A help.', labelNames: ['model'] });
    cells.cell(['x']).inc(2);
    expect(await registry.metrics()).toContain('c_total{model="x"} 2\n');
    cells.cell(['x']).inc(1);
    expect(await registry.metrics()).toContain('c_total{model="x"} 3\n');
  });

  it('lists no series before it is counted into, and drops a value that is not a number', async () => {
    const registry = new Registry();
    const cells = new CellHistogram(registry, {
      name: 'h_seconds',
      help: 'A help.',
      labelNames: ['model'],
      buckets: BUCKETS,
    });
    const cell = cells.cell(['x']);
    expect(await registry.metrics()).not.toContain('h_seconds_count');
    cell.observe(Number.NaN);
    cell.observe(0.5);
    expect(await registry.metrics()).toContain('h_seconds_count{model="x"} 1\n');
    expect(await registry.metrics()).toContain('h_seconds_sum{model="x"} 0.5\n');
  });

  it('refuses label values that do not match the label names', () => {
    const cells = new CellCounter(new Registry(), { name: 'c_total', help: 'A help.', labelNames: LABELS });
    expect(() => cells.cell(['only-one'])).toThrow(/expected 2 label values/);
  });
});
