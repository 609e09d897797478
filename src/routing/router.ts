import type { RoutingConfig } from '../config/schema.js';
import type { SendAttempt } from './attempt.js';
import type { BreakerSettings } from './circuit-breaker.js';
import type { RetrySettings } from './retry-policy.js';
import { type RouteContext, type RouteOutcome, routeRequest } from './route-request.js';
import type { ModelRoute, RouteTarget } from './route-table.js';
import type { RoutingState } from './routing-state.js';
import { breakerSettings, retrySettings } from './settings.js';
import type { UpstreamReply } from './upstream-reply.js';

/** What tells the router a request was cancelled: CancelSignal, or any EventEmitter with an `abort` event. */
export interface Cancellation {
  readonly aborted: boolean;
  once(event: 'abort', listener: () => void): unknown;
  off(event: 'abort', listener: () => void): unknown;
}

export interface RouterClock {
  now: () => number;
  random: () => number;
  /** Waits `ms`, or less when `cancellation` fires first. */
  sleep: (ms: number, cancellation?: Cancellation) => Promise<void>;
}

function sleep(ms: number, cancellation?: Cancellation): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      cancellation?.off('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    cancellation?.once('abort', done);
  });
}

const realClock: RouterClock = { now: Date.now, random: Math.random, sleep };

export interface RouteRequestOptions {
  /** Fires when the client has gone away or the deadline passed: no more attempts, and waits end at once. */
  cancellation: Cancellation;
  stickyKey?: string | undefined;
  /** For log lines about this request. */
  requestId?: string | undefined;
}

/**
 * The long-lived routing service: owns the routing state (which survives config changes) and turns the
 * active config's routing settings into a RouteContext for each request.
 */
export class Router {
  /** The settings of the last routing config seen: config objects are replaced on reload, never changed. */
  private settingsFor: RoutingConfig | undefined;
  private settings: { retry: RetrySettings; breaker: BreakerSettings } | undefined;

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
    const { retry, breaker } = this.settingsOf(config);
    const context: RouteContext = {
      state: this.state,
      retry,
      breaker,
      budgetMs: config.retries.budget_ms,
      now: this.clock.now,
      random: this.clock.random,
      sleep: (ms) => (options.cancellation.aborted ? Promise.resolve() : this.clock.sleep(ms, options.cancellation)),
      isCancelled: () => options.cancellation.aborted,
      stickyKey: options.stickyKey,
      requestId: options.requestId,
      stickyTtlMs: config.sticky ? config.sticky.ttl_s * 1000 : undefined,
    };
    return routeRequest(route, send, context);
  }

  /** Retry and breaker settings, made once per config rather than for every request. */
  private settingsOf(config: RoutingConfig): { retry: RetrySettings; breaker: BreakerSettings } {
    if (this.settings === undefined || this.settingsFor !== config) {
      this.settings = { retry: retrySettings(config), breaker: breakerSettings(config) };
      this.settingsFor = config;
    }
    return this.settings;
  }

  /** A stream that broke after the client got its first byte counts against the target that served it. */
  recordStreamFailure(target: RouteTarget, config: RoutingConfig, message: string): void {
    const runtime = this.state.target(target.id);
    const now = this.clock.now();
    runtime.breaker.onFailure(now, this.settingsOf(config).breaker, `stream_error: ${message}`);
    runtime.stats.record(now, false, 0, `stream_error: ${message}`);
  }
}
