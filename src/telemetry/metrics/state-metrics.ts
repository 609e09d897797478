import { Counter, Gauge, type Registry } from 'prom-client';
import type { BreakerState } from '../../routing/circuit-breaker.js';
import type { RoutingState } from '../../routing/routing-state.js';

/** Where the gauges read the gateway's state from when scraped (nothing is kept up to date per request). */
export interface StateSources {
  /** The running config's targets as provider and upstream model. */
  targets(): Iterable<{ id: string; provider: string; model: string }>;
  routing: RoutingState;
  inFlight(): number;
  telemetry(): { pending: number; written: number; dropped: number };
  /** The span queue's counts while tracing is on. */
  spans(): { exported: number; dropped: number } | undefined;
  revision(): number | null;
  /** Whether a guarded publish is being watched (and may still roll back on its own). */
  guardWatching(): boolean;
  now(): number;
}

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half-open'];

/** Counters whose totals are kept elsewhere (the telemetry writer): read at scrape time. */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/** The gauges that describe the gateway's state: breakers, health, in-flight, telemetry queue, config. */
export function registerStateMetrics(registry: Registry, sources: StateSources): void {
  const registers = [registry];
  new Gauge({
    name: 'amg_target_breaker_state',
    help: 'Circuit breaker state per target: 1 for the current state, 0 for the others.',
    labelNames: ['provider', 'upstream_model', 'state'],
    registers,
    collect() {
      this.reset();
      const now = sources.now();
      for (const target of sources.targets()) {
        const current = sources.routing.target(target.id).breaker.state(now);
        for (const state of BREAKER_STATES) {
          this.set({ provider: target.provider, upstream_model: target.model, state }, state === current ? 1 : 0);
        }
      }
    },
  });
  new Counter({
    name: 'amg_target_breaker_transitions_total',
    help: 'Circuit breaker transitions per target, by the state entered (counts opens shorter than a scrape interval).',
    labelNames: ['provider', 'upstream_model', 'state'],
    registers,
    collect() {
      this.reset();
      for (const target of sources.targets()) {
        const entered = sources.routing.target(target.id).breaker.entered;
        for (const state of BREAKER_STATES) {
          this.inc({ provider: target.provider, upstream_model: target.model, state }, entered[state]);
        }
      }
    },
  });
  new Gauge({
    name: 'amg_target_health_check_up',
    help: "Result of the last active health check of the target's provider (1 ok, 0 failed); absent before one ran.",
    labelNames: ['provider', 'upstream_model'],
    registers,
    collect() {
      this.reset();
      for (const target of sources.targets()) {
        const health = sources.routing.target(target.id).health;
        if (health) this.set({ provider: target.provider, upstream_model: target.model }, health.ok ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'amg_requests_in_flight',
    help: 'Client requests being served.',
    registers,
    collect() {
      this.set(sources.inFlight());
    },
  });
  new Gauge({
    name: 'amg_telemetry_queue_depth',
    help: 'Request records waiting to be written to the store.',
    registers,
    collect() {
      this.set(sources.telemetry().pending);
    },
  });
  mirroredCounter(
    registry,
    'amg_telemetry_records_written_total',
    'Request records written to the store.',
    () => sources.telemetry().written,
  );
  mirroredCounter(
    registry,
    'amg_telemetry_records_dropped_total',
    'Request records dropped because the store stayed unavailable while the buffer was full.',
    () => sources.telemetry().dropped,
  );
  mirroredCounter(
    registry,
    'amg_trace_spans_exported_total',
    'Spans accepted by the OTLP collector (0 while tracing is off).',
    () => sources.spans()?.exported ?? 0,
  );
  mirroredCounter(
    registry,
    'amg_trace_spans_dropped_total',
    'Spans lost: the export queue was full or the collector refused or did not answer an export.',
    () => sources.spans()?.dropped ?? 0,
  );
  new Gauge({
    name: 'amg_config_revision',
    help: 'Number of the running config revision.',
    registers,
    collect() {
      this.set(sources.revision() ?? 0);
    },
  });
  new Gauge({
    name: 'amg_config_guard_watching',
    help: 'Whether a guarded publish is being watched (1) and may roll back on its own.',
    registers,
    collect() {
      this.set(sources.guardWatching() ? 1 : 0);
    },
  });
}
