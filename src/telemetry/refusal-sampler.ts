import { DeniedThrottle } from '../audit/denied-throttle.js';

/**
 * Decides which refusals of unauthenticated requests (401, 404 for an unknown path, 405) get a telemetry row.
 * Anyone can send those, so one row each would let a stranger fill the disk; like the audit log's denied
 * attempts, a few per address per minute are recorded, plus a cap across all addresses, and the next row
 * that gets through says how many were held back.
 */
export class RefusalSampler {
  private readonly perAddress: DeniedThrottle;
  private readonly overall: DeniedThrottle;

  constructor(perAddressPerMinute = 20, overallPerMinute = 600) {
    this.perAddress = new DeniedThrottle(perAddressPerMinute, 60_000);
    this.overall = new DeniedThrottle(overallPerMinute, 60_000, 1);
  }

  /** Whether to record this refusal, and how many refusals were held back before it. */
  admit(address: string, now: number): { record: boolean; suppressed: number } {
    const mine = this.perAddress.admit(address, now);
    if (!mine.record) return mine;
    const all = this.overall.admit('', now);
    return all.record ? { record: true, suppressed: mine.suppressed + all.suppressed } : all;
  }
}
