import type { Store } from '../store/store.js';

const DAY_MS = 86_400_000;
/** Rows deleted per statement, so a large first prune never holds the database lock for long. */
const CHUNK = 5_000;

export interface RetentionOptions {
  /** Days of request records to keep; 0 keeps them forever. */
  days: () => number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

/**
 * Deletes request records older than the retention window, on a timer and in chunks, so the telemetry table
 * stays bounded without an operator's cron job. Runs in the store (the SQLite worker), never on a request.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly store: Pick<Store, 'deleteRequestsBefore'>,
    private readonly options: RetentionOptions,
  ) {}

  start(intervalMs = 3_600_000, firstAfterMs = 60_000): void {
    const run = () => {
      this.sweep().catch((error: unknown) => this.options.onError?.(error));
    };
    const first = setTimeout(run, firstAfterMs);
    first.unref();
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Deletes everything older than the window; resolves with how many records went. */
  sweep(): Promise<number> {
    this.running ??= this.deleteOld().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async deleteOld(): Promise<number> {
    const days = this.options.days();
    if (days <= 0) return 0;
    const cutoff = (this.options.now ?? Date.now)() - days * DAY_MS;
    let total = 0;
    for (;;) {
      const deleted = await this.store.deleteRequestsBefore(cutoff, CHUNK);
      total += deleted;
      if (deleted < CHUNK) return total;
    }
  }
}
