import type { Store } from '../store/store.js';
import type { RollupGrain, RollupPoint } from '../telemetry/rollup.js';
import { GRAIN_MS } from '../telemetry/rollup.js';
import { figures, planChart, type TrafficFigures } from './traffic-stats.js';

/** One client's usage over a period and when it last sent a request, as the Clients page shows it. */
export interface ClientUsage extends TrafficFigures {
  client: string;
  /** Start of the newest rollup bucket that counted the client; null when none is kept. */
  last_used_at: string | null;
  /** How exact last_used_at is: the size of that bucket (a minute within the last hour, an hour within two days,
   * else a day). */
  last_used_within_ms: number | null;
}

/** Sums each client's rollups over [now - rangeMs, now]: one query of the coarsest grain that fits the period. */
async function usageByClient(
  store: Pick<Store, 'queryRollups'>,
  rangeMs: number,
  retentionMs: Record<RollupGrain, number>,
  now: number,
): Promise<Map<string, RollupPoint[]>> {
  const plan = planChart(now - rangeMs, now + 1, retentionMs, now);
  const points = await store.queryRollups({ ...plan, groupBy: 'client' });
  const byClient = new Map<string, RollupPoint[]>();
  for (const point of points) {
    const client = point.group ?? '';
    byClient.set(client, [...(byClient.get(client) ?? []), point]);
  }
  return byClient;
}

/**
 * Where last use is looked for, finest first: per minute over the last hour, per hour over the last two days,
 * then per day. Each step scans (look-back / grain) x clients index entries, so a busy client reads as "14:32"
 * and a quiet one as a day, and the page stays cheap with many clients; a per-request "last used" write on the
 * hot path is what this avoids.
 */
const LAST_USE_STEPS: ReadonlyArray<[RollupGrain, number]> = [
  ['minute', 3_600_000],
  ['hour', 2 * 86_400_000],
  ['day', Number.POSITIVE_INFINITY],
];

async function lastUse(
  store: Pick<Store, 'lastRollupBuckets'>,
  retentionMs: Record<RollupGrain, number>,
  now: number,
): Promise<Map<string, { at: number; withinMs: number }>> {
  const found = new Map<string, { at: number; withinMs: number }>();
  for (const [grain, lookBackMs] of LAST_USE_STEPS) {
    const window = Math.min(lookBackMs, retentionMs[grain]);
    const since = Number.isFinite(window) ? now - window : 0;
    for (const { value, bucket } of await store.lastRollupBuckets({ grain, dimension: 'client', since })) {
      if (!found.has(value)) found.set(value, { at: bucket, withinMs: GRAIN_MS[grain] });
    }
  }
  return found;
}

/** Usage and last use of every client the rollups counted; requests without a client identity are left out. */
export async function clientUsage(
  store: Pick<Store, 'queryRollups' | 'lastRollupBuckets'>,
  rangeMs: number,
  retentionMs: Record<RollupGrain, number>,
  now: number,
): Promise<ClientUsage[]> {
  const [usage, last] = await Promise.all([
    usageByClient(store, rangeMs, retentionMs, now),
    lastUse(store, retentionMs, now),
  ]);
  const clients = [...new Set([...usage.keys(), ...last.keys()])].filter((c) => c !== '').sort();
  return clients.map((client) => {
    const seen = last.get(client);
    return {
      client,
      ...figures(usage.get(client) ?? []),
      last_used_at: seen ? new Date(seen.at).toISOString() : null,
      last_used_within_ms: seen?.withinMs ?? null,
    };
  });
}
