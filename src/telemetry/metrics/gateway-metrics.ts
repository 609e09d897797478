import { collectDefaultMetrics, Registry } from 'prom-client';
import type { RequestRecord } from '../request-record.js';
import { registerEventLoopLag } from './event-loop-lag.js';
import { type KnownNames, RequestMetrics } from './request-metrics.js';
import { registerStateMetrics, type StateSources } from './state-metrics.js';

/**
 * The gateway's Prometheus registry: request series fed from telemetry records, state gauges read at scrape
 * time, and the process's own metrics (CPU, memory, event-loop lag, GC) from prom-client. One registry per
 * gateway rather than prom-client's global one, so gateways in one process (tests) keep apart.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: RequestMetrics;

  constructor(sources: StateSources, options: { clientLabels: boolean }) {
    // prom-client's own event-loop delay monitor feeds only the summaries registerEventLoopLag replaces, yet it
    // cannot be turned off: sampled once a second, its timer runs once a second instead of beside ours every 10 ms.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 1_000 });
    registerEventLoopLag(this.registry);
    this.requests = new RequestMetrics(this.registry, options.clientLabels);
    registerStateMetrics(this.registry, sources);
  }

  setKnown(known: KnownNames): void {
    this.requests.setKnown(known);
  }

  observe(record: RequestRecord): void {
    this.requests.observe(record);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition in the Prometheus text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
