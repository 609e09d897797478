import type { RoutingConfig } from '../config/schema.js';
import type { ProviderRuntime } from '../providers/provider-runtime.js';
import type { BreakerSettings } from './circuit-breaker.js';
import { describeError } from './classify.js';
import type { RouteTarget } from './route-table.js';
import type { RoutingState } from './routing-state.js';
import { breakerSettings } from './settings.js';

export interface HealthPlan {
  providers: ReadonlyMap<string, ProviderRuntime>;
  targets: readonly RouteTarget[];
  routing: RoutingConfig;
}

/**
 * Active health checks: a cheap authenticated GET of each provider's model list, on a timer per provider.
 * Results feed the same breakers as live traffic: a failure counts against every target of the provider, and
 * a success lets a cooled-down (half-open) target back in without spending a client request on the trial.
 */
export class HealthChecker {
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly state: RoutingState,
    private readonly now: () => number = Date.now,
  ) {}

  /** Replaces the current schedule with one for this config (or none when health checks are off). */
  apply(plan: HealthPlan): void {
    this.stop();
    const settings = plan.routing.health_checks;
    if (!settings.enabled) return;
    const breaker = breakerSettings(plan.routing);
    for (const provider of plan.providers.values()) {
      const targets = plan.targets.filter((t) => t.provider.name === provider.name);
      if (!provider.configured || targets.length === 0 || !provider.descriptor.endpoints.models) continue;
      const run = () => void this.probe(provider, targets, settings.timeout_ms, breaker);
      const first = setTimeout(run, Math.min(1_000, settings.interval_s * 1000) * Math.random());
      const every = setInterval(run, settings.interval_s * 1000);
      first.unref();
      every.unref();
      this.timers.push(first, every);
    }
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }

  async probe(
    provider: ProviderRuntime,
    targets: readonly RouteTarget[],
    timeoutMs: number,
    breaker: BreakerSettings,
  ): Promise<boolean> {
    let ok = false;
    let detail: string | undefined;
    try {
      const path = provider.basePath + (provider.descriptor.endpoints.models as string);
      const headers = provider.authorize
        ? await provider.authorize(
            { method: 'GET', path, headers: provider.headers, body: undefined },
            // A probe waits for a token no longer than for the upstream's answer.
            { timeoutMs },
          )
        : provider.headers;
      const response = await provider.pool.request({
        path,
        method: 'GET',
        headers,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      response.body.resume();
      ok = response.statusCode < 400;
      if (!ok) detail = `HTTP ${response.statusCode}`;
    } catch (error) {
      detail = describeError(error);
    }
    const now = this.now();
    for (const target of targets) {
      const runtime = this.state.target(target.id);
      runtime.health = { ok, at: now, detail };
      if (ok && runtime.breaker.state(now) === 'half-open') runtime.breaker.onSuccess();
      else if (!ok) runtime.breaker.onFailure(now, breaker, `health check failed: ${detail}`);
    }
    return ok;
  }
}
