import type { Kysely, Selectable } from 'kysely';
import type { AuditEntry, AuditQuery, AuditRecord } from '../audit/audit-record.js';
import type {
  ConfigRevision,
  CreateRevisionResult,
  GuardState,
  NewRevision,
  RevisionSource,
  RevisionSummary,
} from '../config/revision.js';
import type { AttemptRecord, EntryPoint, RequestQuery, RequestRecord, RouteMode } from '../telemetry/request-record.js';
import type { LastBucketQuery, RollupDelta, RollupGrain, RollupPoint, RollupQuery } from '../telemetry/rollup.js';
import { rollupRecords, rollupsEnabled } from '../telemetry/rollup.js';
import type { TrafficQuery, TrafficRow } from '../telemetry/traffic-summary.js';
import type { UsageQuery, UsageRow } from '../telemetry/usage-summary.js';
import * as access from './access-queries.js';
import * as audit from './audit-queries.js';
import * as clientKeys from './client-key-queries.js';
import { clientKeyFromRow } from './client-key-queries.js';
import { countRequests, selectRequestPage } from './request-log-queries.js';
import { sortedRequestIds } from './request-log-sorted.js';
import * as revisions from './revision-queries.js';
import * as rollups from './rollup-queries.js';
import type { AdminTokensTable, Database, RequestsTable } from './schema.js';
import { clientSpendSince, deleteRequestsKeepingSpend } from './spend-queries.js';
import type {
  AdminRole,
  AdminSession,
  AdminToken,
  AdminUser,
  ClientKey,
  ClientKeyChange,
  ClientKeyChanges,
  ClientKeyPatch,
  ClientKeySearch,
  CredentialVersions,
  Store,
  StoredResponse,
} from './store.js';
import * as storedResponses from './stored-response-queries.js';
import { summarizeTraffic } from './traffic-queries.js';
import { summarizeUsage } from './usage-queries.js';

const INSERT_CHUNK = 200;

export function toRow(record: RequestRecord): RequestsTable {
  return {
    id: record.id,
    time: record.time,
    client: record.client,
    entry_point: record.entryPoint,
    method: record.method,
    path: record.path,
    stream: record.stream ? 1 : 0,
    requested_model: record.requestedModel,
    provider: record.provider,
    upstream_model: record.upstreamModel,
    route_mode: record.routeMode,
    attempts: JSON.stringify(record.attempts),
    status: record.status,
    latency_ms: record.latencyMs,
    ttfb_ms: record.ttfbMs,
    input_tokens: record.inputTokens,
    output_tokens: record.outputTokens,
    cached_tokens: record.cachedTokens,
    cache_write_tokens: record.cacheWriteTokens,
    cost_usd: record.costUsd,
    error_code: record.errorCode,
    error_message: record.errorMessage,
    config_revision: record.configRevision,
    dropped_fields: record.droppedFields ? JSON.stringify(record.droppedFields) : null,
    key_id: record.keyId ?? null,
    client_tags: tagsColumn(record.clientTags),
    reasoning_tokens: record.reasoningTokens ?? null,
    usage_estimated: record.usageEstimated ? 1 : 0,
  };
}

/** Tags as stored: a JSON object with sorted keys (so equal tag sets group together), or null when none. */
function tagsColumn(tags: Readonly<Record<string, string>> | null | undefined): string | null {
  if (!tags) return null;
  const keys = Object.keys(tags).sort();
  if (keys.length === 0) return null;
  return JSON.stringify(Object.fromEntries(keys.map((key) => [key, tags[key]])));
}

const numberOrNull = (value: number | string | null): number | null => (value === null ? null : Number(value));

function fromRow(row: Selectable<RequestsTable>): RequestRecord {
  return {
    id: row.id,
    time: Number(row.time),
    client: row.client,
    entryPoint: row.entry_point as EntryPoint,
    method: row.method,
    path: row.path,
    stream: Boolean(row.stream),
    requestedModel: row.requested_model,
    provider: row.provider,
    upstreamModel: row.upstream_model,
    routeMode: row.route_mode as RouteMode,
    attempts: JSON.parse(row.attempts) as AttemptRecord[],
    status: row.status,
    latencyMs: Number(row.latency_ms),
    ttfbMs: numberOrNull(row.ttfb_ms),
    inputTokens: numberOrNull(row.input_tokens),
    outputTokens: numberOrNull(row.output_tokens),
    cachedTokens: numberOrNull(row.cached_tokens),
    cacheWriteTokens: numberOrNull(row.cache_write_tokens),
    costUsd: numberOrNull(row.cost_usd),
    errorCode: row.error_code,
    errorMessage: row.error_message,
    configRevision: numberOrNull(row.config_revision),
    droppedFields: row.dropped_fields ? (JSON.parse(row.dropped_fields) as string[]) : null,
    keyId: row.key_id,
    clientTags: row.client_tags ? (JSON.parse(row.client_tags) as Record<string, string>) : null,
    reasoningTokens: numberOrNull(row.reasoning_tokens),
    usageEstimated: Boolean(row.usage_estimated),
  };
}

function adminTokenFromRow(row: Selectable<AdminTokensTable>): AdminToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role as AdminRole,
    tokenSha256: row.token_sha256,
    createdAt: Number(row.created_at),
    revokedAt: numberOrNull(row.revoked_at),
  };
}

/** The Store written once against Kysely, so SQLite and PostgreSQL share every query. */
export class KyselyStore implements Store {
  constructor(private readonly db: Kysely<Database>) {}

  async insertRequests(records: readonly RequestRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < records.length; i += INSERT_CHUNK) {
        const rows = records.slice(i, i + INSERT_CHUNK).map(toRow);
        await trx
          .insertInto('requests')
          .values(rows)
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      }
      if (rollupsEnabled()) await rollups.insertRollups(trx, rollupRecords(records));
    });
  }

  async listRequests(query: RequestQuery): Promise<RequestRecord[]> {
    if ((query.sort ?? 'time') === 'time') return (await selectRequestPage(this.db, query).execute()).map(fromRow);
    // The other orders sort a slice of the log at a time (request-log-sorted.ts), then read the page's rows.
    const ids = await sortedRequestIds(this.db, query);
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('requests').selectAll().where('id', 'in', ids).execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [fromRow(row)] : [];
    });
  }

  countRequests(query: RequestQuery, cap: number): Promise<number> {
    return countRequests(this.db, query, cap);
  }

  deleteRequestsBefore(before: number, limit: number): Promise<number> {
    return deleteRequestsKeepingSpend(this.db, before, limit);
  }

  async getRequest(id: string): Promise<RequestRecord | undefined> {
    const row = await this.db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  summarizeTraffic(query: TrafficQuery): Promise<TrafficRow[]> {
    return summarizeTraffic(this.db, query);
  }

  summarizeUsage(query: UsageQuery): Promise<UsageRow[]> {
    return summarizeUsage(this.db, query);
  }

  clientSpendSince(client: string, keyId: string | null, since: number): Promise<number> {
    return clientSpendSince(this.db, client, keyId, since);
  }

  async insertClientKey(key: ClientKey): Promise<void> {
    await this.db
      .insertInto('client_keys')
      .values({
        id: key.id,
        name: key.name,
        token_sha256: key.tokenSha256,
        prefix: key.prefix,
        created_at: key.createdAt,
        expires_at: key.expiresAt,
        revoked_at: key.revokedAt,
        policy: JSON.stringify(key.policy),
        previous_token_sha256: key.previousTokenSha256,
        previous_expires_at: key.previousExpiresAt,
      })
      .execute();
  }

  async updateClientKey(idOrName: string, patch: ClientKeyPatch): Promise<ClientKey | undefined> {
    const row = await this.db
      .updateTable('client_keys')
      .set({
        ...(patch.policy !== undefined ? { policy: JSON.stringify(patch.policy) } : {}),
        ...(patch.tokenSha256 !== undefined ? { token_sha256: patch.tokenSha256 } : {}),
        ...(patch.prefix !== undefined ? { prefix: patch.prefix } : {}),
        ...(patch.previousTokenSha256 !== undefined ? { previous_token_sha256: patch.previousTokenSha256 } : {}),
        ...(patch.previousExpiresAt !== undefined ? { previous_expires_at: patch.previousExpiresAt } : {}),
      })
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row ? clientKeyFromRow(row) : undefined;
  }

  async endClientKeyGrace(id: string, previousTokenSha256: string): Promise<ClientKey | undefined> {
    const row = await this.db
      .updateTable('client_keys')
      .set({ previous_token_sha256: null, previous_expires_at: null })
      .where('id', '=', id)
      .where('previous_token_sha256', '=', previousTokenSha256)
      .returningAll()
      .executeTakeFirst();
    return row ? clientKeyFromRow(row) : undefined;
  }

  async listClientKeys(): Promise<ClientKey[]> {
    const rows = await this.db.selectFrom('client_keys').selectAll().orderBy('created_at', 'asc').execute();
    return rows.map(clientKeyFromRow);
  }

  activeClientKeys(idOrName: string): Promise<ClientKey[]> {
    return clientKeys.activeClientKeys(this.db, idOrName);
  }

  searchClientKeys(search: ClientKeySearch): Promise<ClientKey[]> {
    return clientKeys.searchClientKeys(this.db, search);
  }

  listClientKeysPage(afterId: string | null, limit: number): Promise<ClientKey[]> {
    return clientKeys.listClientKeysPage(this.db, afterId, limit);
  }

  latestClientKeyChange(): Promise<ClientKeyChange | undefined> {
    return clientKeys.latestClientKeyChange(this.db);
  }

  clientKeyChanges(since: number, limit: number): Promise<ClientKeyChanges> {
    return clientKeys.clientKeyChanges(this.db, since, limit);
  }

  listEndedGraces(now: number): Promise<ClientKey[]> {
    return clientKeys.listEndedGraces(this.db, now);
  }

  async revokeClientKey(idOrName: string, at: number): Promise<ClientKey | undefined> {
    const row = await this.db
      .updateTable('client_keys')
      .set({ revoked_at: at })
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row ? clientKeyFromRow(row) : undefined;
  }

  async insertAdminToken(token: AdminToken): Promise<void> {
    await this.db
      .insertInto('admin_tokens')
      .values({
        id: token.id,
        name: token.name,
        role: token.role,
        token_sha256: token.tokenSha256,
        created_at: token.createdAt,
        revoked_at: token.revokedAt,
      })
      .execute();
  }

  async listAdminTokens(): Promise<AdminToken[]> {
    const rows = await this.db.selectFrom('admin_tokens').selectAll().orderBy('created_at', 'asc').execute();
    return rows.map(adminTokenFromRow);
  }

  async revokeAdminToken(idOrName: string, at: number): Promise<AdminToken | undefined> {
    const row = await this.db
      .updateTable('admin_tokens')
      .set({ revoked_at: at })
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row ? adminTokenFromRow(row) : undefined;
  }

  async credentialVersions(): Promise<CredentialVersions> {
    const rows = await this.db.selectFrom('credential_versions').select(['table_name', 'version']).execute();
    const version = (table: string) => Number(rows.find((row) => row.table_name === table)?.version ?? 0);
    return { clientKeys: version('client_keys'), adminTokens: version('admin_tokens') };
  }

  createRevision(input: NewRevision, options: { expectActive?: number | null }): Promise<CreateRevisionResult> {
    return revisions.createRevision(this.db, input, options);
  }

  getRevision(number: number): Promise<ConfigRevision | undefined> {
    return revisions.getRevision(this.db, number);
  }

  latestRevision(source?: RevisionSource): Promise<ConfigRevision | undefined> {
    return revisions.latestRevision(this.db, source);
  }

  listRevisions(query: { limit: number; before?: number | undefined }): Promise<RevisionSummary[]> {
    return revisions.listRevisions(this.db, query);
  }

  activeRevisionNumber(): Promise<number | null> {
    return revisions.activeRevisionNumber(this.db);
  }

  setGuardState(number: number, state: GuardState, detail: string | null): Promise<void> {
    return revisions.setGuardState(this.db, number, state, detail);
  }

  appendAudit(entry: AuditEntry): Promise<AuditRecord> {
    return audit.appendAudit(this.db, entry);
  }

  listAudit(query: AuditQuery): Promise<AuditRecord[]> {
    return audit.listAudit(this.db, query);
  }

  auditPage(afterSeq: number, limit: number): Promise<AuditRecord[]> {
    return audit.auditPage(this.db, afterSeq, limit);
  }

  insertStoredResponses(responses: readonly StoredResponse[]): Promise<void> {
    return storedResponses.insertStoredResponses(this.db, responses);
  }

  getStoredResponse(id: string, clientScope: string): Promise<StoredResponse | undefined> {
    return storedResponses.getStoredResponse(this.db, id, clientScope);
  }

  deleteStoredResponse(id: string, clientScope: string): Promise<boolean> {
    return storedResponses.deleteStoredResponse(this.db, id, clientScope);
  }

  deleteStoredResponsesBefore(before: number, limit: number): Promise<number> {
    return storedResponses.deleteStoredResponsesBefore(this.db, before, limit);
  }

  insertAdminUser(user: AdminUser): Promise<void> {
    return access.insertAdminUser(this.db, user);
  }

  listAdminUsers(): Promise<AdminUser[]> {
    return access.listAdminUsers(this.db);
  }

  deleteAdminUser(idOrName: string): Promise<AdminUser | undefined> {
    return access.deleteAdminUser(this.db, idOrName);
  }

  insertSession(session: AdminSession): Promise<void> {
    return access.insertSession(this.db, session);
  }

  findSession(tokenSha256: string): Promise<AdminSession | undefined> {
    return access.findSession(this.db, tokenSha256);
  }

  listSessions(now: number): Promise<AdminSession[]> {
    return access.listSessions(this.db, now);
  }

  touchSession(id: string, at: number): Promise<void> {
    return access.touchSession(this.db, id, at);
  }

  revokeSessions(match: { id?: string; subjectId?: string }, at: number): Promise<AdminSession[]> {
    return access.revokeSessions(this.db, match, at);
  }

  insertRollups(deltas: readonly RollupDelta[]): Promise<void> {
    return rollups.insertRollups(this.db, deltas);
  }

  queryRollups(query: RollupQuery): Promise<RollupPoint[]> {
    return rollups.queryRollups(this.db, query);
  }

  lastRollupBuckets(query: LastBucketQuery): Promise<Array<{ value: string; bucket: number }>> {
    return rollups.lastRollupBuckets(this.db, query);
  }

  deleteRollupsBefore(grain: RollupGrain, before: number): Promise<number> {
    return rollups.deleteRollupsBefore(this.db, grain, before);
  }

  async getMeta(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('meta')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async listMeta(prefix: string): Promise<Array<{ key: string; value: string }>> {
    // A key range rather than LIKE, whose `_` and `%` would be wildcards inside the prefix.
    return this.db
      .selectFrom('meta')
      .select(['key', 'value'])
      .where('key', '>=', prefix)
      .where('key', '<', `${prefix}\uffff`)
      .execute();
  }

  async deleteMeta(key: string): Promise<void> {
    await this.db.deleteFrom('meta').where('key', '=', key).execute();
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
