import { CircuitBreaker } from './circuit-breaker.js';
import { TargetStats } from './target-stats.js';

/** Result of the last active health check of a target's provider. */
export interface HealthResult {
  ok: boolean;
  at: number;
  detail?: string | undefined;
}

/** Everything the gateway has learned about one target ("provider/model"), across config revisions. */
export class TargetRuntime {
  readonly breaker = new CircuitBreaker();
  readonly stats = new TargetStats();
  health: HealthResult | undefined;
}

/**
 * Routing state that outlives config snapshots, keyed by target id, so a reload keeps what was learned about
 * targets that still exist. This is the in-process implementation; scale-out replaces it behind the same shape.
 */
export interface RoutingState {
  target(id: string): TargetRuntime;
  targets(): IterableIterator<[string, TargetRuntime]>;
  stickyTarget(key: string, now: number): string | undefined;
  setSticky(key: string, targetId: string, expiresAt: number): void;
  /** Smooth weighted round-robin over `ids` with `weights`; returns the chosen index. */
  pickWeighted(group: string, ids: readonly string[], weights: readonly number[]): number;
  /** Forgets targets that no longer exist. */
  retain(ids: ReadonlySet<string>): void;
  /** Forgets what was learned about these targets (their provider now points elsewhere). */
  forget(ids: Iterable<string>): void;
}

const MAX_STICKY_ENTRIES = 100_000;

export class MemoryRoutingState implements RoutingState {
  private readonly byTarget = new Map<string, TargetRuntime>();
  private readonly sticky = new Map<string, { targetId: string; expiresAt: number }>();
  private readonly wrr = new Map<string, Map<string, number>>();

  target(id: string): TargetRuntime {
    let runtime = this.byTarget.get(id);
    if (!runtime) {
      runtime = new TargetRuntime();
      this.byTarget.set(id, runtime);
    }
    return runtime;
  }

  targets(): IterableIterator<[string, TargetRuntime]> {
    return this.byTarget.entries();
  }

  stickyTarget(key: string, now: number): string | undefined {
    const entry = this.sticky.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.sticky.delete(key);
      return undefined;
    }
    return entry.targetId;
  }

  setSticky(key: string, targetId: string, expiresAt: number): void {
    this.sticky.delete(key);
    this.sticky.set(key, { targetId, expiresAt });
    // Maps iterate in insertion order, so the first entries are the least recently pinned.
    if (this.sticky.size > MAX_STICKY_ENTRIES) {
      const oldest = this.sticky.keys().next().value;
      if (oldest !== undefined) this.sticky.delete(oldest);
    }
  }

  pickWeighted(group: string, ids: readonly string[], weights: readonly number[]): number {
    let current = this.wrr.get(group);
    if (!current) {
      current = new Map();
      this.wrr.set(group, current);
    }
    let total = 0;
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string;
      const weight = weights[i] as number;
      const value = (current.get(id) ?? 0) + weight;
      current.set(id, value);
      total += weight;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    const chosen = ids[best] as string;
    current.set(chosen, (current.get(chosen) ?? 0) - total);
    return best;
  }

  retain(ids: ReadonlySet<string>): void {
    for (const id of this.byTarget.keys()) if (!ids.has(id)) this.byTarget.delete(id);
    this.wrr.clear();
  }

  forget(ids: Iterable<string>): void {
    for (const id of ids) this.byTarget.delete(id);
  }
}
