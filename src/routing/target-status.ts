import type { RouteTarget } from './route-table.js';
import type { RoutingState } from './routing-state.js';

const WINDOW_MS = 5 * 60_000;

export interface TargetStatus {
  id: string;
  provider: string;
  model: string;
  /** Client-facing models that route to this target. */
  used_by: string[];
  state: 'healthy' | 'cooling' | 'half-open' | 'not-configured';
  cooling_until: string | null;
  reason: string | null;
  success_rate: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  samples: number;
  last_error: { at: string; message: string } | null;
  health_check: { ok: boolean; at: string; detail: string | null } | null;
}

/** What the status API shows for each target: breaker state, recent success rate, latency, last error. */
export function targetStatuses(
  targets: ReadonlyMap<string, { target: RouteTarget; models: string[] }>,
  state: RoutingState,
  now: number,
): TargetStatus[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  return [...targets.values()].map(({ target, models }) => {
    const runtime = state.target(target.id);
    const breaker = runtime.breaker.state(now);
    const summary = runtime.stats.summary(now, WINDOW_MS);
    const lastError = runtime.stats.lastError;
    return {
      id: target.id,
      provider: target.provider.name,
      model: target.model,
      used_by: models,
      state: !target.provider.configured
        ? 'not-configured'
        : breaker === 'open'
          ? 'cooling'
          : breaker === 'half-open'
            ? 'half-open'
            : 'healthy',
      cooling_until: breaker === 'closed' ? null : iso(runtime.breaker.coolingUntil),
      reason: breaker === 'closed' ? null : (runtime.breaker.reason ?? null),
      success_rate: summary.successRate,
      latency_p50_ms: summary.p50Ms,
      latency_p95_ms: summary.p95Ms,
      samples: summary.samples,
      last_error: lastError ? { at: iso(lastError.at), message: lastError.message } : null,
      health_check: runtime.health
        ? { ok: runtime.health.ok, at: iso(runtime.health.at), detail: runtime.health.detail ?? null }
        : null,
    };
  });
}
