import { guardedLookup } from './guarded-lookup.js';
import { Pool } from './undici-pool.js';

export interface PoolSettings {
  origin: string;
  allowPrivateNetwork: boolean;
  connections: number;
  connectTimeoutMs: number;
}

function keyOf(settings: PoolSettings): string {
  return `${settings.origin}|${settings.allowPrivateNetwork}|${settings.connections}|${settings.connectTimeoutMs}`;
}

/**
 * Keep-alive connection pools per upstream origin. They outlive config snapshots, so a reload that keeps a
 * provider keeps its warm connections; pools no snapshot uses any more are closed gracefully.
 */
export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  get(settings: PoolSettings): Pool {
    const key = keyOf(settings);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new Pool(settings.origin, {
        connections: settings.connections,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        connect: {
          timeout: settings.connectTimeoutMs,
          ...(settings.allowPrivateNetwork ? {} : { lookup: guardedLookup }),
        },
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /**
   * An open pool for a request that began under an older config whose pool a swap has since closed: the current
   * config's pool for the same origin when there is one, else a fresh one (closed by the next swap). A retry across
   * a publish thus reaches the upstream instead of failing on a closed pool.
   */
  replacement(settings: PoolSettings): Pool {
    const exact = this.pools.get(keyOf(settings));
    if (exact) return exact;
    for (const [key, pool] of this.pools) {
      if (key.startsWith(`${settings.origin}|${settings.allowPrivateNetwork}|`)) return pool;
    }
    return this.get(settings);
  }

  /** Closes (after their in-flight requests finish) every pool not in `inUse`. */
  retainOnly(inUse: readonly PoolSettings[]): void {
    const keep = new Set(inUse.map(keyOf));
    for (const [key, pool] of this.pools) {
      if (keep.has(key)) continue;
      this.pools.delete(key);
      void pool.close().catch(() => undefined);
    }
  }

  /**
   * Closes every pool at shutdown, after the requests were drained: what is still in flight then is work no
   * request waits for (a token fetch from a stalled endpoint, a health probe), so it gets `graceMs` to finish
   * and is then cut, rather than holding the process for its own timeout.
   */
  async closeAll(graceMs = 1_000): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => closeWithin(pool, graceMs)));
  }
}

async function closeWithin(pool: Pool, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closed = pool.close().then(
    () => true,
    () => true,
  );
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, graceMs, false);
  });
  const inTime = await Promise.race([closed, late]);
  clearTimeout(timer);
  if (!inTime) await pool.destroy().catch(() => undefined);
}
