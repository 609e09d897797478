import { Redis } from 'ioredis';
import type { SharedLimitBackend } from './limit-backends.js';
import type { Admission, Bucket, Settlement } from './limit-buckets.js';
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
  amgBatch(numberOfKeys: number, keysAndArgs: Array<string | number>): Promise<number[]>;
}

/** An admission waiting for the turn's script call. */
interface PendingAdmission {
  readonly buckets: readonly Bucket[];
  readonly now: number;
  readonly resolve: (admission: Admission) => void;
  readonly reject: (error: unknown) => void;
}

function ttlOf(bucket: Bucket, now: number): number {
  if (bucket.kind === 'concurrent') return CONCURRENCY_TTL_MS;
  if (!Number.isFinite(bucket.resetAt)) return 0;
  const slack = bucket.kind === 'budget' ? PERIOD_SLACK_MS : WINDOW_SLACK_MS;
  return Math.max(1, Math.ceil(bucket.resetAt - now + slack));
}

/** The keys of one script call, each listed once; the script refers to them by 1-based index. */
class BatchKeys {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();

  indexOf(key: string): number {
    let at = this.index.get(key);
    if (at === undefined) {
      at = this.list.push(key);
      this.index.set(key, at);
    }
    return at;
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
  private pendingSettlements: Settlement[] = [];
  private pendingAdmissions: PendingAdmission[] = [];
  private flushScheduled = false;
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
  admit(buckets: readonly Bucket[], now: number): Promise<Admission> {
    return new Promise((resolve, reject) => {
      this.pendingAdmissions.push({ buckets, now, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Queues the settlement for this turn's script call; a lost one only leaves a reservation standing. */
  settle(settlements: readonly Settlement[]): void {
    for (const settlement of settlements) this.pendingSettlements.push(settlement);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate, not a microtask: requests arriving on different sockets in one poll phase share the call.
    setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const settlements = this.pendingSettlements;
    const admissions = this.pendingAdmissions;
    this.pendingSettlements = [];
    this.pendingAdmissions = [];
    this.send(settlements, admissions.length > MAX_BATCH ? admissions.slice(0, MAX_BATCH) : admissions);
    for (let from = MAX_BATCH; from < admissions.length; from += MAX_BATCH) {
      this.send([], admissions.slice(from, from + MAX_BATCH));
    }
  };

  private send(settlements: readonly Settlement[], admissions: readonly PendingAdmission[]): void {
    const keys = new BatchKeys();
    let settle = '';
    for (const { bucket, delta } of settlements) {
      if (delta !== 0) settle += `${keys.indexOf(bucket.key)} ${delta} `;
    }
    if (settle === '' && admissions.length === 0) return;
    const args: Array<string | number> = [settle, admissions.length];
    for (const { buckets, now } of admissions) {
      let spec = '';
      for (const bucket of buckets) {
        spec += `${keys.indexOf(bucket.key)} ${bucket.kind} ${bucket.limit} ${bucket.amount} ${ttlOf(bucket, now)} `;
      }
      args.push(spec);
    }
    this.guard(this.commands.amgBatch(keys.list.length, [...keys.list, ...args])).then(
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
    const ttl = ttlOf(bucket, now);
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
