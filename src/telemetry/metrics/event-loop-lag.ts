import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

const SUMMARY = {
  min: (h: ReturnType<typeof monitorEventLoopDelay>) => h.min,
  max: (h: ReturnType<typeof monitorEventLoopDelay>) => h.max,
  mean: (h: ReturnType<typeof monitorEventLoopDelay>) => h.mean,
  stddev: (h: ReturnType<typeof monitorEventLoopDelay>) => h.stddev,
  p50: (h: ReturnType<typeof monitorEventLoopDelay>) => h.percentile(50),
  p90: (h: ReturnType<typeof monitorEventLoopDelay>) => h.percentile(90),
  p99: (h: ReturnType<typeof monitorEventLoopDelay>) => h.percentile(99),
} as const;

/**
 * Replaces prom-client's event-loop delay summaries (same names) with ones that keep their last value when
 * two scrapes come closer than the monitor's resolution: prom-client's then report NaN, spelled `Nan`, which
 * strict parsers refuse and which leaves gaps in graphs.
 */
export function registerEventLoopLag(registry: Registry): void {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const gauges: Array<{ read: (h: typeof histogram) => number; gauge: Gauge }> = [];
  // The first gauge's collect reads every statistic, then starts the next window.
  const collectAll = () => {
    if (histogram.count === 0) return;
    for (const { read, gauge } of gauges) gauge.set(read(histogram) / 1e9);
    histogram.reset();
  };
  for (const [stat, read] of Object.entries(SUMMARY)) {
    const name = `nodejs_eventloop_lag_${stat}_seconds`;
    registry.removeSingleMetric(name);
    const help = `The ${stat} of event loop delay in seconds.`;
    const gauge = new Gauge({
      name,
      help,
      registers: [registry],
      ...(gauges.length === 0 ? { collect: collectAll } : {}),
    });
    gauges.push({ read, gauge });
  }
}
