import type { GatewayConfig } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { RollupGrain } from './rollup.js';

const DAY_MS = 86_400_000;

/** Each grain's retention in days from the config (0: kept forever). */
export function rollupRetentionDays(config: Pick<GatewayConfig, 'telemetry'>): Record<RollupGrain, number> {
  const t = config.telemetry;
  return {
    minute: t.rollup_minute_days,
    ten_minutes: t.rollup_ten_minute_days,
    hour: t.rollup_hour_days,
    six_hours: t.rollup_six_hour_days,
    day: t.rollup_day_days,
  };
}

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
