import { Redis } from 'ioredis';
import type { SharedLimitBackend } from './limit-backends.js';
import type { Admission, Bucket, BucketKind, Charge } from './limit-buckets.js';
import { BATCH_SCRIPT } from './redis-scripts.js';

/** How long a command may take before the request is counted in this process instead. */
const COMMAND_TIMEOUT_MS = 500;
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
/** At most this many admissions go in one script call, so one call never holds Redis for long. */
const MAX_BATCH = 256;

interface LimitCommands {
  /** ioredis flattens the array: KEYS then ARGV, as BATCH_SCRIPT reads them. */
  amgBatch(numberOfKeys: number, keysAndArgs: string[]): Promise<number[]>;
}

/** An admission waiting for the turn's script call. */
interface PendingAdmission {
  readonly buckets: readonly Bucket[];
  readonly charge: Charge;
  readonly resolve: (admission: Admission) => void;
  readonly reject: (error: unknown) => void;
}

interface PendingSettlement {
  readonly buckets: readonly Bucket[];
  readonly delta: Charge;
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

/**
 * Counters in Redis, shared by every gateway process pointed at it. The admissions and settlements of one
 * event-loop turn go to Redis in one atomic script call (BATCH_SCRIPT), applied in order: under load a request
 * costs a share of one round trip instead of one or two of its own, which is most of the gateway's CPU spent on
 * Redis (encoding, parsing, promises per command). Commands are never queued while disconnected (they fail at once and the request is counted
 * in-process instead); ioredis reconnects by itself and `ready` reports when it is back.
 */
export class RedisLimitBackend implements SharedLimitBackend {
  readonly location: string;
  private readonly redis: Redis;
  private readonly commands: LimitCommands;
  private healthy = true;
  private pendingSettlements: PendingSettlement[] = [];
  private pendingAdmissions: PendingAdmission[] = [];
  /** The clock of the latest admission queued: the script's `now` for the expiry of what it charges. */
  private pendingNow = 0;
  private flushScheduled = false;
  /** Script calls sent and not yet answered (see scheduleFlush). */
  private callsInFlight = 0;
  private connected = false;
  private probe: NodeJS.Timeout | undefined;
  private readonly listeners: Array<(ready: boolean) => void> = [];

  constructor(url: string) {
    this.location = withoutCredentials(url);
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      // The backend batches its own commands (one script call per turn); auto-pipelining on top of that only
      // added CPU (measured: 38 µs against 29 µs per request in bench/limits-cost.mjs).
      enableAutoPipelining: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.redis.defineCommand('amgBatch', { lua: BATCH_SCRIPT });
    this.commands = this.redis as unknown as LimitCommands;
    // Connection errors are what `ready` reports; without a listener ioredis would print each one.
    this.redis.on('error', () => undefined);
    this.redis.on('ready', () => {
      this.connected = true;
      this.healthy = true;
      this.emit();
    });
    this.redis.on('close', () => {
      if (!this.connected) return;
      this.connected = false;
      this.emit();
    });
  }

  get ready(): boolean {
    return this.connected && this.healthy;
  }

  onReadyChange(listener: (ready: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Queues the admission for this turn's script call (see flush). */
  admit(buckets: readonly Bucket[], charge: Charge, now: number): Promise<Admission> {
    if (now > this.pendingNow) this.pendingNow = now;
    return new Promise((resolve, reject) => {
      this.pendingAdmissions.push({ buckets, charge, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Queues the settlement for this turn's script call; a lost one only leaves a reservation standing. */
  settle(buckets: readonly Bucket[], delta: Charge): void {
    this.pendingSettlements.push({ buckets, delta });
    this.scheduleFlush();
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
    if (this.callsInFlight === 0 && (this.pendingAdmissions.length > 0 || this.pendingSettlements.length > 0)) {
      this.scheduleFlush();
    }
  };

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const settlements = this.pendingSettlements;
    const admissions = this.pendingAdmissions;
    this.pendingSettlements = [];
    this.pendingAdmissions = [];
    const now = this.pendingNow || Date.now();
    this.pendingNow = 0;
    this.send(settlements, admissions.length > MAX_BATCH ? admissions.slice(0, MAX_BATCH) : admissions, now);
    for (let from = MAX_BATCH; from < admissions.length; from += MAX_BATCH) {
      this.send([], admissions.slice(from, from + MAX_BATCH), now);
    }
  };

  private send(settlements: readonly PendingSettlement[], admissions: readonly PendingAdmission[], now: number): void {
    const plans = new BatchPlans();
    let settle = '';
    for (const { buckets, delta } of settlements) {
      settle += `${plans.numberOf(buckets)} ${delta.tokens} ${delta.micros} `;
    }
    let admit = '';
    for (const { buckets, charge } of admissions) {
      admit += `${plans.numberOf(buckets)} ${charge.tokens} ${charge.micros} `;
    }
    if (settle === '' && admit === '') return;
    const args = plans.keys;
    const keyCount = args.length;
    args.push(String(now), String(plans.specs.length));
    for (const spec of plans.specs) args.push(spec);
    args.push(settle, admit);
    this.callsInFlight++;
    const call = this.guard(this.commands.amgBatch(keyCount, args));
    call.then(this.callEnded, this.callEnded);
    call.then(
      (reply) => {
        let at = 0;
        for (const admission of admissions) {
          const count = admission.buckets.length;
          const denied = reply[at];
          if (denied === undefined) admission.reject(new Error('redis limit script: short reply'));
          else admission.resolve({ denied: denied - 1, used: reply.slice(at + 1, at + 1 + count) });
          at += count + 1;
        }
      },
      // The failure marks Redis down; each admission is then counted in this process by the LimitService.
      (error: unknown) => {
        for (const admission of admissions) admission.reject(error);
      },
    );
  }

  async seed(bucket: Bucket, value: number, now: number): Promise<void> {
    const expiry = expiryOf(bucket);
    const ttl = bucket.kind === 'concurrent' || expiry === 0 ? expiry : Math.max(1, Math.ceil(expiry - now));
    const set = ttl > 0 ? this.redis.set(bucket.key, value, 'PX', ttl, 'NX') : this.redis.set(bucket.key, value, 'NX');
    await this.guard(set);
  }

  async close(): Promise<void> {
    clearInterval(this.probe);
    this.listeners.length = 0;
    this.redis.disconnect();
  }

  /** A failed command (a timeout on a live connection, say) marks the backend unready until a PING answers. */
  private async guard<T>(command: Promise<T>): Promise<T> {
    try {
      return await command;
    } catch (error) {
      if (this.healthy) {
        this.healthy = false;
        this.emit();
        this.startProbing();
      }
      throw error;
    }
  }

  private startProbing(): void {
    if (this.probe) return;
    this.probe = setInterval(() => {
      if (this.redis.status !== 'ready') return;
      this.redis.ping().then(
        () => {
          clearInterval(this.probe);
          this.probe = undefined;
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
