import { type Admission, amountOf, type Bucket, type Charge } from './limit-buckets.js';

/** An admission the lease did not cover while a top-up of it was out: decided when that answers. */
export interface WaitingAdmission {
  readonly charge: Charge;
  readonly now: number;
  readonly resolve: (admission: Admission) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Below this many admissions of a plan in one lease tick a process takes no leases: each request asks Redis
 * itself (cheap at that rate), so a lightly used limit is counted in Redis exactly as it is used. A plan that
 * reaches it leases from then on, in the same tick: a key that turns busy (a fresh gateway, a new minute's plan)
 * pays a round trip per request for these few admissions, not for a whole tick; after a pause, see resumeShare.
 */
export const MIN_LEASE_RATE = 16;
/**
 * A lease covers at most this many requests' worth of each counter (and at most 1/16 of its room, see the script).
 * Below it a lease is one tick of the plan's own traffic, what it would hold idle before going back anyway. The
 * requests counters, which no settlement refills, drive the top-ups: one every half lease, so this bounds a busy
 * plan's script calls to about two per tick up to 4,096 requests/s (at 256 a plan at the bench's 5,000 requests/s
 * sent one per 128 requests; issue 16).
 */
export const MAX_LEASE_REQUESTS = 1024;

/**
 * Capacity of one plan's counters that this process reserved in Redis ahead of its requests (a lease), so that
 * a busy process admits most requests without a round trip. A leased amount is already counted in Redis, so
 * every process together can never admit more than the limit; what a lease costs is that another process may
 * be refused while this one holds unused room, which the script bounds (a lease takes at most 1/16 of what is
 * left, nothing near the limit) and the backend's tick ends (a lease is given back once its plan was idle for a
 * tick, and regularly while it is busy).
 */
export class PlanLease {
  /** Per bucket: reserved in Redis, not yet given to a request. */
  readonly held: number[];
  /** Per bucket: the counter's value in Redis at the last answer, leases of this process included. */
  readonly counted: number[];
  /** Admissions in the current tick, and in the last one (the rate a lease is sized by). */
  uses = 0;
  rate = 0;
  /** Admissions in the last tick with any, or the one before when more: what a lease after a pause covers. */
  recent = 0;
  /** Ticks in a row without an admission (the backend forgets the plan after RECALL_TICKS of them). */
  idleTicks = 0;
  /** Ticks since the plan's leases were last given back (see RENEW_TICKS in the backend). */
  ticksHeld = 0;
  /** Whether a lease-only call for this plan is queued or out. */
  refilling = false;
  /** Dropped from the backend's plans at a tick (idle); an answer arriving later puts it back, unless a newer one replaced it. */
  retired = false;
  /** Admissions waiting for the top-up that is out (see RedisLimitBackend.admit), in arrival order. */
  waiting: WaitingAdmission[] = [];
  /** What the latest request took: the per-request amounts a renewal sizes the leases by. */
  charge: Charge = { tokens: 0, micros: 0 };

  constructor(readonly buckets: readonly Bucket[]) {
    this.held = new Array<number>(buckets.length).fill(0);
    this.counted = new Array<number>(buckets.length).fill(0);
  }

  /**
   * How many requests' worth a lease asked now covers: the plan's admissions in the last tick, or in this one
   * so far when that is more; 0: this plan is not busy enough to lease.
   */
  get share(): number {
    const rate = this.uses > this.rate ? this.uses : this.rate;
    return rate < MIN_LEASE_RATE ? 0 : Math.min(rate, MAX_LEASE_REQUESTS);
  }

  /**
   * The share an admission that finds no lease asks for: the current one, or after a pause what the plan had in
   * its last tick with traffic. A busy key that paused (every measured phase of the bench starts so) then leases
   * in its first call, and the requests arriving with it wait for that one round trip, instead of each asking
   * Redis until 16 of them made the plan busy again (two or three round trips, a dozen script calls). What it
   * leases and does not use goes back after an idle tick, as any lease.
   */
  get resumeShare(): number {
    const share = this.share;
    if (share > 0) return share;
    return this.recent < MIN_LEASE_RATE ? 0 : Math.min(this.recent, MAX_LEASE_REQUESTS);
  }

  /** Charges the request to the held leases when each covers it: the counts after, as Redis would answer. */
  take(charge: Charge): number[] | undefined {
    const { buckets, held, counted } = this;
    for (let i = 0; i < buckets.length; i++) {
      if ((held[i] as number) < amountOf((buckets[i] as Bucket).kind, charge)) return undefined;
    }
    const used = new Array<number>(buckets.length);
    for (let i = 0; i < buckets.length; i++) {
      const left = (held[i] as number) - amountOf((buckets[i] as Bucket).kind, charge);
      held[i] = left;
      used[i] = (counted[i] as number) - left;
    }
    return used;
  }

  /** Whether a lease ran below half of what the current share would grant (time to ask for more). */
  low(charge: Charge): boolean {
    const share = this.share;
    if (share === 0) return false;
    for (let i = 0; i < this.buckets.length; i++) {
      if ((this.held[i] as number) * 2 < amountOf((this.buckets[i] as Bucket).kind, charge) * share) return true;
    }
    return false;
  }

  /** Records an answer from Redis for bucket `i`: its value after the call, and what was granted to this plan. */
  answered(i: number, value: number, granted: number): number {
    const held = (this.held[i] as number) + granted;
    this.held[i] = held;
    this.counted[i] = value;
    return value - held;
  }

  /**
   * Settles bucket `i` against the lease: what the request did not use (and its concurrency slot) joins the
   * lease, and what it used beyond its reservation comes out of it. Returns what the lease could not cover,
   * for Redis.
   */
  settle(i: number, change: number): number {
    const held = this.held[i] as number;
    if (change <= 0) {
      this.held[i] = held - change;
      return 0;
    }
    const covered = Math.min(change, held);
    this.held[i] = held - covered;
    this.counted[i] = (this.counted[i] as number) + (change - covered);
    return change - covered;
  }

  /** Takes up to `amount` out of bucket `i`'s lease for giving back: what it took (the lease may hold less). */
  giveBack(i: number, amount: number): number {
    const held = this.held[i] as number;
    const given = amount < held ? amount : held;
    this.held[i] = held - given;
    this.counted[i] = (this.counted[i] as number) - given;
    return given;
  }

  /** Whether any bucket's lease holds something. */
  holds(): boolean {
    for (const held of this.held) if (held > 0) return true;
    return false;
  }

  /** Empties bucket `i`'s lease for giving back: the amount to take off the Redis counter. */
  release(i: number): number {
    const held = this.held[i] as number;
    this.held[i] = 0;
    this.counted[i] = (this.counted[i] as number) - held;
    return held;
  }
}
