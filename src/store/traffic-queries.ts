import type { Kysely } from 'kysely';
import type { TrafficQuery, TrafficRow } from '../telemetry/traffic-summary.js';
import type { Database } from './schema.js';

/** Entry points whose requests name a model and are routed to a provider. */
const NOT_ROUTED = ['models', 'unknown', 'admin'];

/**
 * Request counts and token sums per requested model, client and serving provider, summed by the database:
 * an impact preview over a day of traffic never loads the rows themselves.
 */
export async function summarizeTraffic(db: Kysely<Database>, query: TrafficQuery): Promise<TrafficRow[]> {
  const rows = await db
    .selectFrom('requests')
    .select((eb) => [
      'requested_model',
      'client',
      'provider',
      eb.fn.countAll<number | string>().as('requests'),
      eb.fn.sum<number | string | null>('input_tokens').as('input_tokens'),
      eb.fn.sum<number | string | null>('output_tokens').as('output_tokens'),
      eb.fn.sum<number | string | null>('cached_tokens').as('cached_tokens'),
      eb.fn.sum<number | string | null>('cache_write_tokens').as('cache_write_tokens'),
    ])
    .where('time', '>=', query.since)
    .where('time', '<', query.until)
    .where('requested_model', 'is not', null)
    .where('entry_point', 'not in', NOT_ROUTED)
    .groupBy(['requested_model', 'client', 'provider'])
    .execute();
  return rows.map((row) => ({
    model: row.requested_model as string,
    client: row.client,
    provider: row.provider,
    requests: Number(row.requests),
    inputTokens: Number(row.input_tokens ?? 0),
    outputTokens: Number(row.output_tokens ?? 0),
    cachedTokens: Number(row.cached_tokens ?? 0),
    cacheWriteTokens: Number(row.cache_write_tokens ?? 0),
  }));
}
