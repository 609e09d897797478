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
}

export interface ClientKeysTable {
  id: string;
  name: string;
  token_sha256: string;
  prefix: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface AdminTokensTable {
  id: string;
  name: string;
  role: string;
  token_sha256: string;
  created_at: number;
  revoked_at: number | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  requests: RequestsTable;
  client_keys: ClientKeysTable;
  admin_tokens: AdminTokensTable;
  meta: MetaTable;
}

export type { Generated };
