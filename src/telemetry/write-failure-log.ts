import { log } from '../server/log.js';

/** While writes keep failing, at most one line per this long (a retry comes every flush interval). */
const LOG_INTERVAL_MS = 60_000;

/**
 * Failed request-record writes as an operator should see them: the first failure logged at once, repeats at
 * most once a minute with the count, one line when writes work again, and while they fail a `problem` for
 * `/readyz` and `amg status` (a full disk or a locked database file otherwise showed as a log line every
 * quarter second and nothing else).
 */
export class WriteFailureLog {
  private failingSince: number | undefined;
  private lastError = '';
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private unlogged = 0;

  constructor(private readonly now: () => number = Date.now) {}

  failed(error: unknown, waiting: number): void {
    const at = this.now();
    this.failingSince ??= at;
    this.lastError = String(error);
    if (at - this.lastLoggedAt < LOG_INTERVAL_MS) {
      this.unlogged++;
      return;
    }
    log.error('telemetry write failed; will retry', {
      error: this.lastError,
      records_waiting: waiting,
      ...(this.unlogged > 0 ? { failures_since_last_line: this.unlogged } : {}),
    });
    this.lastLoggedAt = at;
    this.unlogged = 0;
  }

  succeeded(): void {
    if (this.failingSince === undefined) return;
    log.warn('telemetry writes recovered', {
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
