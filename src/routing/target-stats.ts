const CAPACITY = 256;
const EWMA_ALPHA = 0.2;

export interface StatsSummary {
  /** Outcomes in the summary window. */
  samples: number;
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
}

/**
 * Recent outcomes of one target: a fixed ring of the last 256 attempts (time, ok, latency) for the status
 * page, and an EWMA of successful latencies for least-latency routing. Constant memory, O(1) to record.
 */
export class TargetStats {
  private readonly times = new Float64Array(CAPACITY);
  private readonly latencies = new Float64Array(CAPACITY);
  private readonly ok = new Uint8Array(CAPACITY);
  private next = 0;
  private count = 0;
  /** EWMA of time-to-first-byte of successful attempts; undefined until measured. */
  ewmaMs: number | undefined;
  lastSuccessAt = 0;
  lastError: { at: number; message: string } | undefined;

  record(now: number, success: boolean, latencyMs: number, error?: string): void {
    this.times[this.next] = now;
    this.latencies[this.next] = latencyMs;
    this.ok[this.next] = success ? 1 : 0;
    this.next = (this.next + 1) % CAPACITY;
    if (this.count < CAPACITY) this.count++;
    if (success) {
      this.lastSuccessAt = now;
      this.ewmaMs = this.ewmaMs === undefined ? latencyMs : this.ewmaMs + EWMA_ALPHA * (latencyMs - this.ewmaMs);
    } else if (error) {
      this.lastError = { at: now, message: error };
    }
  }

  /** Success rate and latency percentiles (of successes) over the last `windowMs`. */
  summary(now: number, windowMs: number): StatsSummary {
    const latencies: number[] = [];
    let samples = 0;
    let successes = 0;
    for (let i = 0; i < this.count; i++) {
      if ((this.times[i] as number) < now - windowMs) continue;
      samples++;
      if (this.ok[i]) {
        successes++;
        latencies.push(this.latencies[i] as number);
      }
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies.length ? (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number) : null;
    return { samples, successRate: samples ? successes / samples : null, p50Ms: at(0.5), p95Ms: at(0.95) };
  }
}
