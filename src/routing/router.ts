import type { RoutingConfig } from '../config/schema.js';
import type { SendAttempt } from './attempt.js';
import { type RouteContext, type RouteOutcome, routeRequest } from './route-request.js';
import type { ModelRoute, RouteTarget } from './route-table.js';
import type { RoutingState } from './routing-state.js';
import { breakerSettings, retrySettings } from './settings.js';
import type { UpstreamReply } from './upstream-reply.js';

export interface RouterClock {
  now: () => number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

const realClock: RouterClock = {
  now: Date.now,
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RouteRequestOptions {
  isCancelled: () => boolean;
  stickyKey?: string | undefined;
}

/**
 * The long-lived routing service: owns the routing state (which survives config changes) and turns the
 * active config's routing settings into a RouteContext for each request.
 */
export class Router {
  constructor(
    readonly state: RoutingState,
    private readonly clock: RouterClock = realClock,
  ) {}

  route<R extends UpstreamReply>(
    route: ModelRoute,
    config: RoutingConfig,
    send: SendAttempt<R>,
    options: RouteRequestOptions,
  ): Promise<RouteOutcome<R>> {
    const context: RouteContext = {
      state: this.state,
      retry: retrySettings(config),
      breaker: breakerSettings(config),
      budgetMs: config.retries.budget_ms,
      now: this.clock.now,
      random: this.clock.random,
      sleep: this.clock.sleep,
      isCancelled: options.isCancelled,
      stickyKey: options.stickyKey,
      stickyTtlMs: config.sticky ? config.sticky.ttl_s * 1000 : undefined,
    };
    return routeRequest(route, send, context);
  }

  /** A stream that broke after the client got its first byte counts against the target that served it. */
  recordStreamFailure(target: RouteTarget, config: RoutingConfig, message: string): void {
    const runtime = this.state.target(target.id);
    const now = this.clock.now();
    runtime.breaker.onFailure(now, breakerSettings(config), `stream_error: ${message}`);
    runtime.stats.record(now, false, 0, `stream_error: ${message}`);
  }
}
