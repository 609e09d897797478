import type { Store } from '../store/store.js';
import type { RollupGrain } from './rollup.js';

const DAY_MS = 86_400_000;

/** Prunes rollup rows past their own retention (minutes and hours apart), hourly, in the store's worker. */
export class RollupRetention {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Pick<Store, 'deleteRollupsBefore'>,
    private readonly days: () => Record<RollupGrain, number>,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  start(intervalMs = 3_600_000): void {
    this.timer = setInterval(() => {
      this.sweep().catch(this.onError);
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Deletes what is older than each grain's window (0 days keeps a grain forever); returns rows deleted. */
  async sweep(): Promise<number> {
    let total = 0;
    for (const [grain, days] of Object.entries(this.days()) as Array<[RollupGrain, number]>) {
      if (days > 0) total += await this.store.deleteRollupsBefore(grain, this.now() - days * DAY_MS);
    }
    return total;
  }
}
