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
    // prom-client samples the event loop for lag summaries that registerEventLoopLag replaces with its own
    // monitor; its sampler cannot be left out, so it runs once a minute instead of every 10 ms beside ours.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 60_000 });
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
