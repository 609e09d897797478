import { Redis } from 'ioredis';
import type { SharedLimitBackend } from './limit-backends.js';
import type { Admission, Bucket, Settlement } from './limit-buckets.js';
import { ADMIT_SCRIPT, SETTLE_SCRIPT } from './redis-scripts.js';

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

interface LimitCommands {
  amgAdmit(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Promise<number[]>;
  amgSettle(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Promise<number>;
}

function ttlOf(bucket: Bucket, now: number): number {
  if (bucket.kind === 'concurrent') return CONCURRENCY_TTL_MS;
  if (!Number.isFinite(bucket.resetAt)) return 0;
  const slack = bucket.kind === 'budget' ? PERIOD_SLACK_MS : WINDOW_SLACK_MS;
  return Math.max(1, Math.ceil(bucket.resetAt - now + slack));
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
 * Counters in Redis, shared by every gateway process pointed at it: one atomic script per admission and one
 * per settlement. Commands are never queued while disconnected (they fail at once and the request is counted
 * in-process instead); ioredis reconnects by itself and `ready` reports when it is back.
 */
export class RedisLimitBackend implements SharedLimitBackend {
  readonly location: string;
  private readonly redis: Redis;
  private readonly commands: LimitCommands;
  private healthy = true;
  private pendingSettlements: Settlement[] = [];
  private flushScheduled = false;
  private connected = false;
  private probe: NodeJS.Timeout | undefined;
  private readonly listeners: Array<(ready: boolean) => void> = [];

  constructor(url: string) {
    this.location = withoutCredentials(url);
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      // Commands issued in the same tick (many requests admitted at once) go out in one write.
      enableAutoPipelining: true,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.redis.defineCommand('amgAdmit', { lua: ADMIT_SCRIPT });
    this.redis.defineCommand('amgSettle', { lua: SETTLE_SCRIPT });
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

  async admit(buckets: readonly Bucket[], now: number): Promise<Admission> {
    const args: Array<string | number> = buckets.map((b) => b.key);
    for (const bucket of buckets) args.push(bucket.kind, bucket.limit, bucket.amount, ttlOf(bucket, now));
    const reply = await this.guard(this.commands.amgAdmit(buckets.length, ...args));
    return { denied: Number(reply[0]) - 1, used: reply.slice(1).map(Number) };
  }

  /**
   * Queues the settlement; every settlement of one event-loop turn goes to Redis in one script call, so under
   * load a request costs about one round trip (its admission) instead of two.
   */
  settle(settlements: readonly Settlement[]): void {
    for (const settlement of settlements) this.pendingSettlements.push(settlement);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushSettlements);
    }
  }

  private readonly flushSettlements = (): void => {
    this.flushScheduled = false;
    const batch = this.pendingSettlements;
    this.pendingSettlements = [];
    const args: Array<string | number> = batch.map((s) => s.bucket.key);
    for (const settlement of batch) args.push(settlement.delta);
    // A lost settlement only leaves a reservation standing until its window ends; the failure marks Redis down.
    this.guard(this.commands.amgSettle(batch.length, ...args)).catch(() => undefined);
  };

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
