import type { RequestQuery, RequestRecord } from '../telemetry/request-record.js';

/**
 * The one storage interface of the gateway. SQLite (embedded, in a worker thread) implements it now,
 * PostgreSQL later; nothing outside src/store knows which one is in use.
 */

export interface ClientKey {
  id: string;
  name: string;
  tokenSha256: string;
  /** The first characters of the token, safe to display. */
  prefix: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export type AdminRole = 'admin' | 'viewer';

export interface AdminToken {
  id: string;
  name: string;
  role: AdminRole;
  tokenSha256: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface Store {
  insertRequests(records: readonly RequestRecord[]): Promise<void>;
  listRequests(query: RequestQuery): Promise<RequestRecord[]>;
  getRequest(id: string): Promise<RequestRecord | undefined>;

  insertClientKey(key: ClientKey): Promise<void>;
  listClientKeys(): Promise<ClientKey[]>;
  /** Revokes the active key with this id or name; returns it, or undefined when there is none. */
  revokeClientKey(idOrName: string, at: number): Promise<ClientKey | undefined>;

  insertAdminToken(token: AdminToken): Promise<void>;
  listAdminTokens(): Promise<AdminToken[]>;
  revokeAdminToken(idOrName: string, at: number): Promise<AdminToken | undefined>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  close(): Promise<void>;
}

/** Method names of Store, for transports (the SQLite worker) that call them by name. */
export type StoreMethod = Exclude<keyof Store, 'close'>;
