import type { Generated } from 'kysely';

/** Table shapes shared by the SQLite and PostgreSQL stores. Times are epoch milliseconds. */

export interface RequestsTable {
  id: string;
  time: number;
  client: string | null;
  entry_point: string;
  method: string;
  path: string;
  stream: number;
  requested_model: string | null;
  provider: string | null;
  upstream_model: string | null;
  route_mode: string;
  attempts: string;
  status: number;
  latency_ms: number;
  ttfb_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_tokens: number | null;
  cache_write_tokens: number | null;
  cost_usd: number | null;
  error_code: string | null;
  error_message: string | null;
  config_revision: number | null;
  /** JSON array of the hints a translated request lost; null when none was dropped. */
  dropped_fields: string | null;
  key_id: string | null;
  /** JSON object of the client key's tags; null when the key had none. */
  client_tags: string | null;
  reasoning_tokens: number | null;
  /** 1 when the token counts were estimated by the gateway, not reported by the upstream. */
  usage_estimated: number | null;
}

export interface ClientKeysTable {
  id: string;
  name: string;
  token_sha256: string;
  prefix: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  /** JSON KeyPolicy (models, limits, budgets, tags); null: none. */
  policy: string | null;
  /** The token a rotation replaced, valid until previous_expires_at (the grace period). */
  previous_token_sha256: string | null;
  previous_expires_at: number | null;
}

export interface AdminTokensTable {
  id: string;
  name: string;
  role: string;
  token_sha256: string;
  created_at: number;
  revoked_at: number | null;
}

/** One row per credential table: a counter its triggers move on every change that matters (migration 0017). */
export interface CredentialVersionsTable {
  table_name: string;
  version: number;
}

/** The client keys' change log (migration 0020): the counter value each change took, and the key it changed. */
export interface ClientKeyChangesTable {
  version: number;
  /** Null: reload every key (or, for the entry written by the migration, nothing changed). */
  key_id: string | null;
  /** Random, so that a reader can tell the entry it applied from another with its version (a restored store). */
  mark: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface ConfigRevisionsTable {
  number: number;
  content: string;
  content_sha256: string;
  author: string;
  message: string;
  source: string;
  created_at: number;
  parent: number | null;
  restored_from: number | null;
  /** JSON of the guard settings of a guarded publish. */
  guard: string | null;
  guard_state: string | null;
  guard_detail: string | null;
}

export interface AuditLogTable {
  seq: number;
  time: number;
  actor: string;
  role: string | null;
  origin: string;
  action: string;
  target: string | null;
  outcome: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

/** A stored Responses API response (`store: true`), readable only by the client scope that created it. */
export interface StoredResponsesTable {
  id: string;
  /** The client key id (or `config:<name>` for a client from the config file) that created it. */
  client_scope: string;
  created_at: number;
  previous_response_id: string | null;
  /** JSON: the Response object as the client received it. */
  response: string;
  /** JSON: every input item of the turn, carried-over ones first, each with an id (what input_items lists). */
  input_items: string;
}

export interface AdminUsersTable {
  id: string;
  name: string;
  role: string;
  password_hash: string;
  created_at: number;
}

export interface AdminSessionsTable {
  id: string;
  token_sha256: string;
  subject_kind: string;
  subject_id: string;
  name: string;
  role: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
  origin: string;
  user_agent: string | null;
}

/** A rollup row (any grain: see rollup-columns.ts) for one value of one dimension. */
export interface RollupTable {
  bucket: number;
  dimension: string;
  value: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_sum: number;
  ttft_count: number;
  ttft_sum: number;
  /** Usage sums (migration 0023; 0 in rows written before it, see meta `usage_rollups_since`). */
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  unpriced: number;
  /** Packed histogram counts (see rollup-columns.ts). */
  latency: Uint8Array;
  ttft: Uint8Array;
}

/**
 * The cost of deleted request records (retention) of one client in one quarter hour: `key_id` is '' for a config
 * client, `bucket` the quarter hour's start (epoch ms). Every budget period begins on a quarter hour.
 */
export interface PrunedSpendTable {
  client: string;
  key_id: string;
  bucket: number;
  cost_usd: number;
}

export interface Database {
  admin_users: AdminUsersTable;
  admin_sessions: AdminSessionsTable;
  rollup_minute: RollupTable;
  rollup_ten_minutes: RollupTable;
  rollup_hour: RollupTable;
  rollup_six_hours: RollupTable;
  rollup_day: RollupTable;
  requests: RequestsTable;
  pruned_spend: PrunedSpendTable;
  client_keys: ClientKeysTable;
  admin_tokens: AdminTokensTable;
  credential_versions: CredentialVersionsTable;
  client_key_changes: ClientKeyChangesTable;
  meta: MetaTable;
  config_revisions: ConfigRevisionsTable;
  audit_log: AuditLogTable;
  stored_responses: StoredResponsesTable;
}

export type { Generated };
