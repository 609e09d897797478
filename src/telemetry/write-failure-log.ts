import { log } from '../server/log.js';

/** While writes keep failing, at most one line per this long (a retry comes every flush interval). */
const LOG_INTERVAL_MS = 60_000;

/** The lines a WriteFailureLog writes: when writes start failing (and repeats), and when they work again. */
export interface WriteFailureLines {
  failed: string;
  level: 'error' | 'warn';
  recovered: string;
}

const RECORD_WRITES: WriteFailureLines = {
  failed: 'telemetry write failed; will retry',
  level: 'error',
  recovered: 'telemetry writes recovered',
};

/**
 * Failed store writes that are retried, as an operator should see them: the first failure logged at once,
 * repeats at most once a minute with the count, one line when writes work again, and (for request records)
 * while they fail a `problem` for `/readyz` and `amg status` (a full disk or a locked database file otherwise
 * showed as a log line every quarter second, or every report of the gateway to the store, and nothing else).
 */
export class WriteFailureLog {
  private failingSince: number | undefined;
  private lastError = '';
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private unlogged = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly lines: WriteFailureLines = RECORD_WRITES,
  ) {}

  /** `waiting`: the request records held in memory meanwhile, when there are such. */
  failed(error: unknown, waiting?: number): void {
    const at = this.now();
    this.failingSince ??= at;
    this.lastError = String(error);
    if (at - this.lastLoggedAt < LOG_INTERVAL_MS) {
      this.unlogged++;
      return;
    }
    log[this.lines.level](this.lines.failed, {
      error: this.lastError,
      ...(waiting === undefined ? {} : { records_waiting: waiting }),
      ...(this.unlogged > 0 ? { failures_since_last_line: this.unlogged } : {}),
    });
    this.lastLoggedAt = at;
    this.unlogged = 0;
  }

  succeeded(): void {
    if (this.failingSince === undefined) return;
    log.warn(this.lines.recovered, {
      failing_for_ms: this.now() - this.failingSince,
      ...(this.unlogged > 0 ? { failures_since_last_line: this.unlogged } : {}),
    });
    this.failingSince = undefined;
    this.lastLoggedAt = Number.NEGATIVE_INFINITY;
    this.unlogged = 0;
  }

  /** What to show while writes fail, or undefined. */
  problem(waiting: number): string | undefined {
    if (this.failingSince === undefined) return undefined;
    const since = new Date(this.failingSince).toISOString();
    return `request records cannot be written since ${since} (${this.lastError}); ${waiting} waiting in memory`;
  }
}
