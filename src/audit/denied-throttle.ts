/**
 * Limits how many denied attempts per origin reach the audit log, so a client hammering the admin API with
 * bad tokens cannot turn into a write per request. What is held back is counted and reported with the next
 * record that gets through.
 */
export class DeniedThrottle {
  private readonly windows = new Map<string, { start: number; count: number; suppressed: number }>();

  constructor(
    private readonly perWindow = 20,
    private readonly windowMs = 60_000,
    private readonly maxOrigins = 10_000,
  ) {}

  /** Whether to record this attempt, and how many were held back since the last one recorded. */
  admit(origin: string, now: number): { record: boolean; suppressed: number } {
    let window = this.windows.get(origin);
    if (!window || now - window.start >= this.windowMs) {
      const suppressed = window?.suppressed ?? 0;
      if (this.windows.size >= this.maxOrigins) this.windows.clear();
      window = { start: now, count: 0, suppressed };
      this.windows.set(origin, window);
    }
    if (window.count >= this.perWindow) {
      window.suppressed++;
      return { record: false, suppressed: 0 };
    }
    window.count++;
    const suppressed = window.suppressed;
    window.suppressed = 0;
    return { record: true, suppressed };
  }
}
