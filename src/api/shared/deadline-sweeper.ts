import type { CancelSignal } from './cancel-signal.js';

/**
 * Enforces each request's total deadline (routing.timeout.total_ms) with one shared timer instead of a
 * timer per request: every sweep cancels the requests whose deadline passed. The precision is the sweep
 * interval, which is fine for a limit measured in minutes.
 */
export class DeadlineSweeper {
  private readonly deadlines = new Map<CancelSignal, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  add(signal: CancelSignal, deadline: number): void {
    this.deadlines.set(signal, deadline);
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), this.intervalMs);
      this.timer.unref();
    }
  }

  delete(signal: CancelSignal): void {
    this.deadlines.delete(signal);
  }

  sweep(): void {
    // The timer stops only here, when a sweep finds nothing to watch, so that steady traffic reuses one timer.
    if (this.deadlines.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = this.now();
    for (const [signal, deadline] of this.deadlines) {
      if (deadline > now) continue;
      this.delete(signal);
      signal.cancel('deadline');
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.deadlines.clear();
  }
}
