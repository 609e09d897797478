import { log } from '../../server/log.js';
import type { LimitBackend } from './limit-buckets.js';
import type { BackendChoice } from './limit-service.js';
import { MemoryLimitBackend } from './memory-limit-backend.js';

/** A backend shared by gateway processes (Redis), which may be unreachable for a while. */
export interface SharedLimitBackend extends LimitBackend {
  /** Whether it is connected and answering now. */
  readonly ready: boolean;
  /** Where it is, without credentials, for status and logs. */
  readonly location: string;
  /** Why it last failed (a refused connection, WRONGPASS, a timeout), for status and logs; undefined once ready. */
  readonly lastError: string | undefined;
  /** Called with true when it recovers and false when it is lost. */
  onReadyChange(listener: (ready: boolean) => void): void;
  close(): Promise<void>;
}

/** How long a first connection may take before the gateway says Redis is unreachable. */
const FIRST_CONNECT_GRACE_MS = 3_000;

export interface LimitBackendStatus {
  backend: 'memory' | 'redis';
  /** `degraded`: Redis is configured but unreachable, so each process enforces its own limits. */
  state: 'ok' | 'degraded';
  location?: string;
  since?: string;
  detail?: string;
}

/**
 * Which backend counts: the shared one while it answers, this process's counters while it does not. The
 * switch either way is logged once and shown in `amg status`; recovery is the shared backend's own
 * reconnecting, nothing here polls.
 */
export class LimitBackends implements BackendChoice {
  private counters = new MemoryLimitBackend();
  private shared: SharedLimitBackend | undefined;
  private degradedSince: number | undefined;
  private lastError = '';
  /** Whether the loss was logged (a first connection still under way is not a loss until it takes too long). */
  private warned = false;

  /** This process's counters: those of the current outage while Redis is lost (see failed). */
  get local(): LimitBackend {
    return this.counters;
  }

  current(): LimitBackend {
    const shared = this.shared;
    return shared?.ready && this.degradedSince === undefined ? shared : this.local;
  }

  /** Uses a shared backend from now on (or none); the previous one is closed. */
  async useShared(shared: SharedLimitBackend | undefined): Promise<void> {
    const previous = this.shared;
    this.shared = shared;
    this.degradedSince = undefined;
    this.warned = false;
    // What this process counted since the previous shared backend took over misses what was counted there: the
    // counters start afresh (see failed()).
    if (previous) this.counters = new MemoryLimitBackend();
    if (shared) {
      shared.onReadyChange((ready) => (ready ? this.recovered(shared) : this.failed(shared, 'connection lost')));
      if (!shared.ready) {
        // Counted in this process until the first connection is made; said out loud only if that takes a while.
        this.degradedSince = Date.now();
        this.lastError = 'not connected yet';
        setTimeout(() => {
          if (this.shared === shared && this.degradedSince !== undefined && !this.warned) this.warn();
        }, FIRST_CONNECT_GRACE_MS).unref();
      }
    }
    await previous?.close();
  }

  get sharedLocation(): string | undefined {
    return this.shared?.location;
  }

  failed(backend: LimitBackend, error: unknown): void {
    if (backend !== this.shared || this.degradedSince !== undefined) return;
    this.degradedSince = Date.now();
    // Counters of an earlier outage miss what was spent through Redis since: each outage starts afresh and loads
    // every budget's spend from the request log again (see LimitService.seed).
    this.counters = new MemoryLimitBackend();
    this.lastError = error instanceof Error ? error.message : String(error);
    this.warn();
  }

  /** The shared backend's own reason when it has one (WRONGPASS says more than "connection lost"). */
  private get reason(): string {
    return this.shared?.lastError ?? this.lastError;
  }

  private warn(): void {
    this.warned = true;
    log.warn('redis unreachable: limits and budgets are enforced per process until it returns', {
      redis: this.shared?.location,
      error: this.reason,
    });
  }

  private recovered(shared: SharedLimitBackend): void {
    if (shared !== this.shared || this.degradedSince === undefined) return;
    if (this.warned) {
      log.info('redis reachable again: limits and budgets are shared between gateway processes', {
        redis: shared.location,
        degraded_ms: Date.now() - this.degradedSince,
      });
    }
    this.degradedSince = undefined;
    this.warned = false;
  }

  status(): LimitBackendStatus {
    if (!this.shared) return { backend: 'memory', state: 'ok' };
    if (this.degradedSince === undefined) return { backend: 'redis', state: 'ok', location: this.shared.location };
    return {
      backend: 'redis',
      state: 'degraded',
      location: this.shared.location,
      since: new Date(this.degradedSince).toISOString(),
      detail: `redis unreachable (${this.reason}); each gateway process enforces its own limits`,
    };
  }

  close(): Promise<void> {
    return this.useShared(undefined);
  }
}

/** Opens the Redis backend; ioredis is loaded only then, so a gateway without Redis never maps it (~2 MB). */
export async function openRedisBackend(url: string): Promise<SharedLimitBackend> {
  const { RedisLimitBackend } = await import('./redis-limit-backend.js');
  return new RedisLimitBackend(url);
}
