import { Redis } from 'ioredis';
import type { SharedLimitBackend } from './limit-backends.js';
import { type Admission, type Bucket, type BucketKind, type Charge, settledDelta } from './limit-buckets.js';
import { precedingBuckets } from './limit-plan.js';
import { MIN_LEASE_RATE, PlanLease } from './plan-lease.js';
import { BATCH_SCRIPT } from './redis-scripts.js';

/** How long a command may take before the request is counted in this process instead. */
const COMMAND_TIMEOUT_MS = 500;
/**
 * ioredis gives up on a command only after this long. The verdict above is the backend's own (see guard); this
 * backstop frees what a hung server never answers, a PING of the recovery probe say.
 */
const ABANDON_AFTER_MS = 10_000;
/** How often a backend that failed a command checks whether Redis answers again. */
const PROBE_INTERVAL_MS = 1_000;
/**
 * Concurrency counters expire after this long without an admission: slots held by a process that died are
 * given back then (a request running longer than this may briefly be counted out).
 */
const CONCURRENCY_TTL_MS = 10 * 60_000;
/** Budget counters of a day or month outlive their period by a day (late settlements still find them). */
const PERIOD_SLACK_MS = 86_400_000;
/** Minute windows outlive their minute by a little, for settlements of requests admitted at its end. */
const WINDOW_SLACK_MS = 5_000;
/** At most this many operations go in one script call, so one call never holds Redis for long. */
const MAX_BATCH = 256;
/**
 * How often leases not given to a request go back to Redis (and each plan's rate is measured): the longest a
 * process holds room another process could use, and what keeps a concurrency counter's TTL refreshed.
 */
const LEASE_TICK_MS = 250;
/**
 * A busy plan's leases are resized every this many ticks even while it uses them (to at most 1/16 of the room
 * the counter has then), so a lease that never runs low (a concurrency slot going round in one process) still
 * shrinks when other processes fill the counter, and its counter's expiry is renewed.
 */
const RENEW_TICKS = 8;
/**
 * A plan that was busy is forgotten once idle this many ticks (its lease was given back at the first; a plan
 * never busy is forgotten at once); until then its next burst leases at once, sized by its last busy tick (see
 * PlanLease.resumeShare). A minute: a key used in bursts keeps that, and plans of past windows, which get no
 * more requests, go within a minute.
 */
const RECALL_TICKS = 240;

interface LimitCommands {
  /** ioredis flattens the array: KEYS then ARGV, as BATCH_SCRIPT reads them. */
  amgBatch(numberOfKeys: number, keysAndArgs: string[]): Promise<number[]>;
}

/** An admission (`a`) waiting for the next script call, or a lease asked for ahead of requests (`l`). */
interface PendingOperation {
  readonly op: 'a' | 'l';
  readonly lease: PlanLease;
  readonly charge: Charge;
  readonly share: number;
  readonly resolve?: (admission: Admission) => void;
  readonly reject?: (error: unknown) => void;
}

/** A change to one counter for the next script call: a settlement, or a lease given back. */
interface PendingCorrection {
  readonly buckets: readonly Bucket[];
  /** 1-based, as the script counts. */
  readonly bucket: number;
  readonly delta: number;
}

const KIND_LETTER: Readonly<Record<BucketKind, string>> = { requests: 'r', tokens: 't', concurrent: 'c', budget: 'b' };

/** When a counter expires (epoch ms, 0: never), or for concurrency its TTL; see BATCH_SCRIPT. */
function expiryOf(bucket: Bucket): number {
  if (bucket.kind === 'concurrent') return CONCURRENCY_TTL_MS;
  if (!Number.isFinite(bucket.resetAt)) return 0;
  return bucket.resetAt + (bucket.kind === 'budget' ? PERIOD_SLACK_MS : WINDOW_SLACK_MS);
}

/** A plan's buckets as BATCH_SCRIPT reads them, formatted once per plan (its buckets array). */
const specs = new WeakMap<readonly Bucket[], string>();

function specOf(buckets: readonly Bucket[]): string {
  let spec = specs.get(buckets);
  if (spec === undefined) {
    spec = '';
    for (const bucket of buckets) spec += `${KIND_LETTER[bucket.kind]} ${bucket.limit} ${expiryOf(bucket)} `;
    specs.set(buckets, spec);
  }
  return spec;
}

/** The plans (bucket arrays) of one script call, each listed once with its keys; referred to by 1-based number. */
class BatchPlans {
  readonly keys: string[] = [];
  readonly specs: string[] = [];
  private readonly numbers = new Map<readonly Bucket[], number>();

  numberOf(buckets: readonly Bucket[]): number {
    let number = this.numbers.get(buckets);
    if (number === undefined) {
      number = this.specs.push(specOf(buckets));
      this.numbers.set(buckets, number);
      for (const bucket of buckets) this.keys.push(bucket.key);
    }
    return number;
  }
}

/** The URL without its password, as status and logs show it. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.username = '';
    return parsed.toString();
  } catch {
    return 'redis://?';
  }
}

export interface RedisLimitOptions {
  /** How often unused leases go back to Redis (ms); tests call tickLeases() themselves with 0 (no timer). */
  leaseTickMs?: number;
}

/**
 * Counters in Redis, shared by every gateway process pointed at it, in two ways:
 *
 * - A plan (a client's counters in one window) with few requests in this process asks Redis for each
 *   admission: the admissions and settlements waiting go to Redis in one atomic script call (BATCH_SCRIPT),
 *   applied in order, one call in flight at a time.
 * - A busy plan leases capacity: an admission also reserves, in the same call, room for up to the next
 *   MAX_LEASE_REQUESTS requests (as many as the plan had in the last tick or so far in this one, at most 1/16 of
 *   the room left), and the requests after it are admitted from that lease in this process, synchronously, with
 *   no round trip; their settlements go back into the lease. A lease running low is topped up in the background
 *   (each refill, and every RENEW_TICKS ticks a renewal, sizes it to what Redis would lease now: smaller when
 *   the counter filled up meanwhile); what is left is given back once the plan was idle for a tick. Leased room is
 *   counted in Redis, so all processes together never admit more than a limit; near a limit leases shrink to
 *   nothing and each request is decided by Redis again (see PlanLease).
 *
 * Commands are never queued while disconnected (they fail at once and the request is counted in-process
 * instead); ioredis reconnects by itself and `ready` reports when it is back.
 */
export class RedisLimitBackend implements SharedLimitBackend {
  readonly location: string;
  private readonly redis: Redis;
  private readonly commands: LimitCommands;
  private healthy = true;
  private pendingCorrections: PendingCorrection[] = [];
  private pendingOperations: PendingOperation[] = [];
  /** The clock of the latest admission queued: the script's `now` for the expiry of what it charges. */
  private pendingNow = 0;
  private flushScheduled = false;
  /** Script calls sent and not yet answered (see scheduleFlush). */
  private callsInFlight = 0;
  /** Script calls sent since the start (bench/limits-cost.mjs reports them per request). */
  scriptCalls = 0;
  private connected = false;
  lastError: string | undefined;
  /** One more at every connection: the server may be a restarted one, its counters gone (see LimitBackend). */
  generation = 0;
  private probe: NodeJS.Timeout | undefined;
  private readonly ticker: NodeJS.Timeout | undefined;
  private readonly listeners: Array<(ready: boolean) => void> = [];
  /** The lease state of each plan admitted since the last tick it was idle in. */
  private readonly leases = new Map<readonly Bucket[], PlanLease>();

  constructor(url: string, options: RedisLimitOptions = {}) {
    this.location = withoutCredentials(url);
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      // The backend batches its own commands (one script call per turn); auto-pipelining on top of that only
      // added CPU (measured: 38 µs against 29 µs per request in bench/limits-cost.mjs).
      enableAutoPipelining: false,
      maxRetriesPerRequest: 0,
      commandTimeout: ABANDON_AFTER_MS,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.redis.defineCommand('amgBatch', { lua: BATCH_SCRIPT });
    this.commands = this.redis as unknown as LimitCommands;
    // Connection errors are what `ready` reports (and lastError says); without a listener ioredis would print each.
    this.redis.on('error', (error: Error) => {
      this.lastError = error.message;
    });
    this.redis.on('ready', () => {
      this.lastError = undefined;
      this.connected = true;
      this.healthy = true;
      this.generation++;
      // Leases taken from the server before go back now, before any budget is seeded again: to counters that
      // survived (a network blip) that is what the idle tick would do; to a restarted, empty server it is nothing
      // (corrections skip counters that do not exist), where left to a later tick they would be taken from the
      // spend the budgets load anew.
      for (const lease of this.leases.values()) this.release(lease);
      if (this.pendingCorrections.length > 0) this.flush();
      this.emit();
    });
    this.redis.on('close', () => {
      if (!this.connected) return;
      this.connected = false;
      this.emit();
    });
    const tick = options.leaseTickMs ?? LEASE_TICK_MS;
    if (tick > 0) {
      this.ticker = setInterval(() => this.tickLeases(), tick);
      this.ticker.unref();
    }
  }

  get ready(): boolean {
    return this.connected && this.healthy;
  }

  onReadyChange(listener: (ready: boolean) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Admits from this process's lease when it covers the request (synchronously), else queues the admission
   * for the next script call, with a lease for the requests after it when the plan is busy.
   */
  admit(buckets: readonly Bucket[], charge: Charge, now: number): Admission | Promise<Admission> {
    const lease = this.leaseOf(buckets);
    lease.uses++;
    lease.charge = charge;
    const used = lease.take(charge);
    if (used !== undefined) {
      if (!lease.refilling && lease.low(charge)) {
        lease.refilling = true;
        this.pendingOperations.push({ op: 'l', lease, charge, share: lease.share });
        this.scheduleFlush();
      }
      return { denied: -1, used };
    }
    return new Promise((resolve, reject) => {
      // A top-up of this lease is queued or out: the request waits for it and takes from the lease then. Sent
      // on its own it would go in the call after that one (two round trips), and first give the lease back,
      // so every request of the plan behind it would miss the lease as well.
      if (lease.refilling) lease.waiting.push({ charge, now, resolve, reject });
      else this.queueAdmission(lease, charge, now, resolve, reject);
    });
  }

  /** Queues an admission for Redis to decide, with a lease for the requests after it when the plan is busy. */
  private queueAdmission(
    lease: PlanLease,
    charge: Charge,
    now: number,
    resolve: (admission: Admission) => void,
    reject: (error: unknown) => void,
  ): void {
    if (now > this.pendingNow) this.pendingNow = now;
    // What this plan still holds goes back first, so Redis decides on all the room there is. One lease at a
    // time per plan: the requests of a burst each taking 1/16 of what is left would take most of it.
    this.release(lease);
    const share = lease.refilling ? 0 : lease.resumeShare;
    if (share > 0) lease.refilling = true;
    this.pendingOperations.push({ op: 'a', lease, charge, share, resolve, reject });
    this.scheduleFlush();
  }

  /**
   * The top-up the plan's waiting admissions waited for answered: each takes from the lease in arrival order
   * until one is not covered (a counter near its limit); that one and the rest go to Redis, the lease given back.
   */
  private resumeWaiting(lease: PlanLease): void {
    const waiting = lease.waiting;
    if (waiting.length === 0) return;
    lease.waiting = [];
    for (const admission of waiting) {
      // Those the lease does not cover go in one call, as before waiting (only the first asks for a lease):
      // near a limit, where leases shrink to nothing, each waiting again would decide one per round trip.
      const used = lease.refilling ? undefined : lease.take(admission.charge);
      if (used !== undefined) admission.resolve({ denied: -1, used });
      else this.queueAdmission(lease, admission.charge, admission.now, admission.resolve, admission.reject);
    }
  }

  /**
   * Settles into the plan's lease while it leases (nothing to send unless the request used more than the
   * lease holds), else queues the corrections for the next script call (kept while Redis is not connected). One
   * lost in a call that failed only leaves a reservation standing.
   */
  settle(buckets: readonly Bucket[], delta: Charge): void {
    const lease = this.leases.get(buckets);
    const leasing = lease !== undefined && lease.share > 0;
    for (let i = 0; i < buckets.length; i++) {
      let change = settledDelta((buckets[i] as Bucket).kind, delta);
      if (change === 0) continue;
      if (leasing) change = lease.settle(i, change);
      if (change !== 0) this.pendingCorrections.push({ buckets, bucket: i + 1, delta: change });
    }
    if (this.pendingCorrections.length > 0) this.scheduleFlush();
  }

  /**
   * Gives back what the leases of plans idle since the last tick hold (and every RENEW_TICKS ticks resizes what
   * busy ones hold), measures each plan's rate for the next leases, and forgets idle plans (busy ones after
   * RECALL_TICKS); runs every LEASE_TICK_MS. While Redis is unreachable leases are kept (and given back when it
   * answers again): a correction sent now would be lost, and the room with it until the counter expires.
   */
  tickLeases(): void {
    if (!this.ready) return;
    for (const lease of this.leases.values()) {
      if (lease.uses === 0) {
        this.release(lease);
        lease.ticksHeld = 0;
      } else if (++lease.ticksHeld >= RENEW_TICKS) {
        this.renew(lease);
        lease.ticksHeld = 0;
      }
      const previous = lease.rate;
      lease.rate = lease.uses;
      lease.uses = 0;
      if (lease.rate > 0) {
        // The tick a burst ends in is partly idle: the one before it says more about the next burst.
        lease.recent = lease.rate > previous ? lease.rate : previous;
        lease.idleTicks = 0;
      } else if (!lease.refilling && (lease.recent < MIN_LEASE_RATE || ++lease.idleTicks >= RECALL_TICKS)) {
        lease.retired = true;
        this.leases.delete(lease.buckets);
      }
    }
    if (this.pendingCorrections.length > 0) this.scheduleFlush();
  }

  private leaseOf(buckets: readonly Bucket[]): PlanLease {
    let lease = this.leases.get(buckets);
    if (lease === undefined) {
      lease = new PlanLease(buckets);
      // A new window of a key busy in the last one: its first request leases at once, as after a pause.
      const before = precedingBuckets.get(buckets);
      const previous = before && this.leases.get(before);
      if (previous) lease.recent = previous.recent > previous.uses ? previous.recent : previous.uses;
      this.leases.set(buckets, lease);
    }
    return lease;
  }

  /**
   * Asks Redis to resize a busy plan's leases to what it would grant now, and to renew its counters' expiry,
   * without emptying them first: its requests keep being admitted from them while the call is out (emptied,
   * every request of the next round trip waited for Redis). A refill already out does the same.
   */
  private renew(lease: PlanLease): void {
    if (lease.refilling) return;
    const share = lease.share;
    if (share === 0) {
      this.release(lease);
      return;
    }
    lease.refilling = true;
    this.pendingOperations.push({ op: 'l', lease, charge: lease.charge, share });
    this.scheduleFlush();
  }

  /** Queues giving back what the plan's leases hold. */
  private release(lease: PlanLease): void {
    for (let i = 0; i < lease.buckets.length; i++) {
      const held = lease.release(i);
      if (held > 0) this.pendingCorrections.push({ buckets: lease.buckets, bucket: i + 1, delta: -held });
    }
  }

  /**
   * One script call at a time: while one is out, what arrives waits for its answer and goes in the next, so
   * under load a call carries every request of the last round trip (far fewer calls, and far less CPU, per
   * request), while an idle gateway still sends a lone request's call in its own turn. setImmediate, not a
   * microtask: requests arriving on different sockets in one poll phase share the call.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.callsInFlight > 0) return;
    this.flushScheduled = true;
    setImmediate(this.flush);
  }

  /** A call answered (or failed): what queued meanwhile goes now. */
  private readonly callEnded = (): void => {
    this.callsInFlight--;
    if (this.callsInFlight === 0 && (this.pendingOperations.length > 0 || this.pendingCorrections.length > 0)) {
      this.scheduleFlush();
    }
  };

  private readonly flush = (): void => {
    this.flushScheduled = false;
    // Not connected: corrections (settlements, leases given back) wait for the connection, sent once it is back;
    // none of them left this process, so none is applied twice. Admissions fail now (counted in-process).
    const connected = this.redis.status === 'ready';
    const corrections = connected ? this.pendingCorrections : [];
    const operations = this.pendingOperations;
    if (connected) this.pendingCorrections = [];
    this.pendingOperations = [];
    const now = this.pendingNow || Date.now();
    this.pendingNow = 0;
    if (!this.healthy && operations.length > 0) {
      // A call just timed out (a hung server; the connection is still up): the admissions queued behind it are
      // counted in this process now, not sent to wait out another timeout (see guard).
      this.refuse(operations, new Error(`redis did not answer within ${COMMAND_TIMEOUT_MS} ms`));
      void this.send(corrections, [], now);
      return;
    }
    void this.send(corrections, operations.length > MAX_BATCH ? operations.slice(0, MAX_BATCH) : operations, now);
    for (let from = MAX_BATCH; from < operations.length; from += MAX_BATCH) {
      void this.send([], operations.slice(from, from + MAX_BATCH), now);
    }
  };

  private send(
    corrections: readonly PendingCorrection[],
    operations: readonly PendingOperation[],
    now: number,
  ): Promise<number[]> | undefined {
    const plans = new BatchPlans();
    let correct = '';
    for (const { buckets, bucket, delta } of corrections) correct += `${plans.numberOf(buckets)} ${bucket} ${delta} `;
    let operate = '';
    for (const { op, lease, charge, share } of operations) {
      // What the lease holds now, so Redis only tops it up to its share (see BATCH_SCRIPT).
      const held = share > 0 && lease.holds() ? lease.held.join(',') : '-';
      operate += `${op} ${plans.numberOf(lease.buckets)} ${charge.tokens} ${charge.micros} ${share} ${held} `;
    }
    if (correct === '' && operate === '') return undefined;
    const args = plans.keys;
    const keyCount = args.length;
    args.push(String(now), String(plans.specs.length));
    for (const spec of plans.specs) args.push(spec);
    args.push(correct, operate);
    this.callsInFlight++;
    this.scriptCalls++;
    const call = this.guard(this.commands.amgBatch(keyCount, args));
    call.then(this.callEnded, this.callEnded);
    call.then(
      (reply) => this.answer(operations, reply),
      // The failure marks Redis down; each admission is then counted in this process by the LimitService.
      (error: unknown) => this.refuse(operations, error),
    );
    return call;
  }

  /** Fails the operations' admissions, and those waiting for their top-ups: the service counts them in-process. */
  private refuse(operations: readonly PendingOperation[], error: unknown): void {
    for (const operation of operations) {
      operation.reject?.(error);
      if (operation.share === 0) continue;
      const { lease } = operation;
      lease.refilling = false;
      const waiting = lease.waiting;
      lease.waiting = [];
      for (const admission of waiting) admission.reject(error);
    }
  }

  /** Hands each operation its part of the reply: leases to their plans, decisions to their requests. */
  private answer(operations: readonly PendingOperation[], reply: number[]): void {
    let at = 0;
    for (const operation of operations) {
      const { lease } = operation;
      const count = lease.buckets.length;
      const denied = reply[at];
      if (operation.share > 0) lease.refilling = false;
      if (denied === undefined || reply.length < at + 2 * count + 1) {
        operation.reject?.(new Error('redis limit script: short reply'));
        continue;
      }
      const superseded = lease.retired && !this.readmitted(lease);
      const used = new Array<number>(count);
      for (let i = 0; i < count; i++) {
        const granted = reply[at + 1 + count + i] as number;
        used[i] = lease.answered(i, reply[at + 1 + i] as number, granted > 0 ? granted : 0);
        // Above what Redis would lease now (a counter filling up): what is still held of the excess goes back.
        const excess = granted < 0 ? lease.giveBack(i, -granted) : 0;
        if (excess > 0) this.pendingCorrections.push({ buckets: lease.buckets, bucket: i + 1, delta: -excess });
      }
      // No tick will see a superseded lease again: what this call granted it goes back now.
      if (superseded) this.release(lease);
      operation.resolve?.({ denied: denied - 1, used });
      at += 2 * count + 1;
    }
    for (const operation of operations) if (operation.share > 0) this.resumeWaiting(operation.lease);
    if (this.pendingCorrections.length > 0) this.scheduleFlush();
  }

  /**
   * A lease forgotten at a tick while a call of its was out, answered now: it goes back among the plans, so a
   * tick gives back what the call granted it, unless the plan has a newer lease by then (its requests arrived
   * meanwhile), which stays: it may hold room of its own, and replaced, no tick would give that back. The old
   * one then stays retired (its other answers give back what they grant at once). Whether it went back.
   */
  private readmitted(lease: PlanLease): boolean {
    if (this.leases.has(lease.buckets)) return false;
    lease.retired = false;
    this.leases.set(lease.buckets, lease);
    return true;
  }

  async seed(bucket: Bucket, value: number, now: number): Promise<void> {
    const expiry = expiryOf(bucket);
    const ttl = bucket.kind === 'concurrent' || expiry === 0 ? expiry : Math.max(1, Math.ceil(expiry - now));
    const set = ttl > 0 ? this.redis.set(bucket.key, value, 'PX', ttl, 'NX') : this.redis.set(bucket.key, value, 'NX');
    await this.guard(set);
  }

  /** Gives back what the leases hold (when Redis answers) and disconnects. */
  async close(): Promise<void> {
    clearInterval(this.probe);
    clearInterval(this.ticker);
    this.listeners.length = 0;
    if (this.ready) {
      for (const lease of this.leases.values()) this.release(lease);
      this.leases.clear();
      const corrections = this.pendingCorrections;
      this.pendingCorrections = [];
      await this.send(corrections, [], Date.now())?.catch(() => undefined);
    }
    this.redis.disconnect();
  }

  /**
   * A failed command, or one unanswered after COMMAND_TIMEOUT_MS, marks the backend unready until a PING answers.
   * The timeout is decided one poll phase late: after this process itself stalled (a long collection, a starved
   * CPU), the timer and the reply it waits for are both due in the same turn, and the timers phase runs before
   * the poll phase that would read the reply. ioredis's own commandTimeout decided in the timers phase, so a
   * stall longer than the timeout made the gateway give up sharing limits although Redis had answered.
   */
  private guard<T>(command: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let decided = false;
      const fail = (error: unknown): void => {
        decided = true;
        this.lastError = error instanceof Error ? error.message : String(error);
        if (this.healthy) {
          this.healthy = false;
          this.emit();
          this.startProbing();
        }
        reject(error);
      };
      const timer = setTimeout(() => {
        setImmediate(() => {
          if (!decided) fail(new Error(`redis command timed out after ${COMMAND_TIMEOUT_MS} ms`));
        });
      }, COMMAND_TIMEOUT_MS);
      command.then(
        (value) => {
          clearTimeout(timer);
          if (decided) return;
          decided = true;
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (!decided) fail(error);
        },
      );
    });
  }

  private startProbing(): void {
    if (this.probe) return;
    this.probe = setInterval(() => {
      if (this.redis.status !== 'ready') return;
      this.redis.ping().then(
        () => {
          clearInterval(this.probe);
          this.probe = undefined;
          this.lastError = undefined;
          this.healthy = true;
          this.emit();
        },
        () => undefined,
      );
    }, PROBE_INTERVAL_MS);
    this.probe.unref();
  }

  private emit(): void {
    const ready = this.ready;
    for (const listener of this.listeners) listener(ready);
  }
}
