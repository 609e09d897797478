import { type Metric, type Registry, validateMetricName } from 'prom-client';
import { type CellFamilyConfig, labelsOf } from './counter-cells.js';

/** One series of a histogram family: observations per bucket (not cumulative), their sum and their count. */
export class HistogramCell {
  /** `counts[i]`: observations in (bounds[i-1], bounds[i]]; larger ones are only in `count` (the +Inf bucket). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    // prom-client throws on these; on the path that closes a request one bad value is dropped instead.
    if (!Number.isFinite(value)) return;
    const bounds = this.bounds;
    for (let index = 0; index < bounds.length; index++) {
      if (value <= (bounds[index] as number)) {
        this.counts[index] = (this.counts[index] as number) + 1;
        break;
      }
    }
    this.sum += value;
    this.count += 1;
  }
}

/** One line of the exposition, in the shape prom-client's `get()` returns and its Registry renders. */
interface SampleValue {
  value: number;
  metricName: string;
  exemplar?: null;
  labels: Record<string, string | number>;
}

export interface CellHistogramConfig extends CellFamilyConfig {
  buckets: readonly number[];
}

/**
 * A histogram family observed into plain arrays on the request path and rendered by prom-client's Registry when
 * scraped. prom-client's `observe` checks and hashes the label set and allocates per call, even through a bound
 * child; here a request adds one to a bucket of a cell it already holds. The Registry renders any registered
 * metric from its `get()`; this one returns the values prom-client's Histogram would (cumulative buckets with
 * `le` first, then `+Inf`, `_sum` and `_count`, series in the order they were first observed), so the
 * exposition is the same text.
 */
export class CellHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** Not readonly: the Registry renames counters in place for OpenMetrics, and may treat any metric alike. */
  name: string;
  help: string;
  private readonly labelNames: readonly string[];
  private readonly bounds: readonly number[];
  private readonly cells = new Map<string, HistogramCell>();

  constructor(registry: Registry, config: CellHistogramConfig) {
    if (!validateMetricName(config.name)) throw new Error(`invalid metric name: ${config.name}`);
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    this.bounds = [...config.buckets].sort((a, b) => a - b);
    // The Registry's type lists prom-client's own classes; what it calls is name, help, type, get() and reset().
    registry.registerMetric(this as unknown as Metric);
  }

  /**
   * The series of these label values (in label-name order). Ask for it only to observe into it: from then on it
   * is part of the exposition.
   */
  cell(values: readonly string[]): HistogramCell {
    const key = values.join('\u0000');
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = new HistogramCell(labelsOf(this.labelNames, values), this.bounds);
      this.cells.set(key, cell);
    }
    return cell;
  }

  async get(): Promise<{ name: string; help: string; type: string; values: SampleValue[]; aggregator: string }> {
    const bucket = `${this.name}_bucket`;
    const values: SampleValue[] = [];
    for (const cell of this.cells.values()) {
      // A cell zeroed by reset() stays out until it is observed again, as prom-client drops reset series.
      if (cell.count === 0) continue;
      let cumulative = 0;
      for (const [index, le] of this.bounds.entries()) {
        cumulative += cell.counts[index] as number;
        values.push({ value: cumulative, metricName: bucket, exemplar: null, labels: { le, ...cell.labels } });
      }
      values.push({ value: cell.count, metricName: bucket, exemplar: null, labels: { le: '+Inf', ...cell.labels } });
      values.push({ value: cell.sum, metricName: `${this.name}_sum`, labels: { ...cell.labels } });
      values.push({ value: cell.count, metricName: `${this.name}_count`, labels: { ...cell.labels } });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** `registry.resetMetrics()`: every series back to empty (requests keep the cells they hold). */
  reset(): void {
    for (const cell of this.cells.values()) {
      cell.counts.fill(0);
      cell.sum = 0;
      cell.count = 0;
    }
  }
}
