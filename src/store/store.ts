import type { AuditEntry, AuditQuery, AuditRecord } from '../audit/audit-record.js';
import type { KeyPolicy } from '../config/key-policy-schema.js';
import type {
  ConfigRevision,
  CreateRevisionResult,
  GuardState,
  NewRevision,
  RevisionSource,
  RevisionSummary,
} from '../config/revision.js';
import type { RequestQuery, RequestRecord } from '../telemetry/request-record.js';
import type { LastBucketQuery, RollupDelta, RollupGrain, RollupPoint, RollupQuery } from '../telemetry/rollup.js';
import type { TrafficQuery, TrafficRow } from '../telemetry/traffic-summary.js';
import type { UsageQuery, UsageRow } from '../telemetry/usage-summary.js';

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
  /** Model access, limits, budgets and tags. */
  policy: KeyPolicy;
  /** After a rotation: the replaced token's hash, which keeps working until `previousExpiresAt`. */
  previousTokenSha256: string | null;
  previousExpiresAt: number | null;
}

/** What `updateClientKey` may change on an active key; fields left out stay as they are. */
export type ClientKeyPatch = Partial<
  Pick<ClientKey, 'policy' | 'tokenSha256' | 'prefix' | 'previousTokenSha256' | 'previousExpiresAt'>
>;

export type AdminRole = 'admin' | 'viewer';

export interface AdminToken {
  id: string;
  name: string;
  role: AdminRole;
  tokenSha256: string;
  createdAt: number;
  revokedAt: number | null;
}

/**
 * A counter per credential table that moves whenever a row is added, removed, or changed in a way that can change
 * authentication or policy (whichever process wrote it); equal numbers mean the table's list is unchanged.
 */
/** One entry of the client keys' change log: the counter value a change took and the key it changed. */
/** One page of client keys in (name, id) order, narrowed as the admin API's list asks. */
export interface ClientKeySearch {
  /** Part of the name, or the start of the visible prefix; any case. */
  text?: string | undefined;
  /** Keys carrying this tag, with this value when one is given. */
  tag?: { name: string; value?: string | undefined } | undefined;
  status?: 'active' | 'revoked' | 'expired' | undefined;
  /** The last key of the previous page: the page starts after it. */
  after?: { name: string; id: string } | undefined;
  limit: number;
  /** Epoch ms deciding what has expired. */
  now: number;
}

export interface ClientKeyChange {
  version: number;
  /** Null: every key may have changed (or, for the log's first entry, none did). */
  keyId: string | null;
  /** Random: tells this entry from another with the same version in a store restored from a backup. */
  mark: string;
}

/** Log entries from a version on, and the keys they name as they are now (a named key absent was deleted). */
export interface ClientKeyChanges {
  entries: ClientKeyChange[];
  keys: ClientKey[];
}

export interface CredentialVersions {
  clientKeys: number;
  adminTokens: number;
}

/** A Responses API response kept for `previous_response_id`, retrieval and input_items (`store: true`). */
export interface StoredResponse {
  id: string;
  /** Who may read it: the client key id, or `config:<name>` for a client from the config file. */
  clientScope: string;
  /** Epoch ms. */
  createdAt: number;
  previousResponseId: string | null;
  /** The Response object as the client received it. */
  response: Record<string, unknown>;
  /**
   * Every input item of the turn (carried-over ones first), each with an id; as UTF-8 JSON bytes when it was
   * listed from a large body on the parser thread (see storedItems), so that the main thread never holds it as
   * objects nor as one long string (copying bytes to the store's thread is a memcpy; a string was escaped or
   * joined there, 100–200 ms for 10 MiB).
   */
  inputItems: Record<string, unknown>[] | StoredItemsJson;
}

/** Input items already serialised as a JSON array, as UTF-8 bytes that span their own memory. */
export interface StoredItemsJson {
  utf8: Uint8Array;
}

/** A stored response's input items as objects, whichever form they were stored in. */
export function storedItems(items: StoredResponse['inputItems']): Record<string, unknown>[] {
  return Array.isArray(items) ? items : (JSON.parse(storedItemsText(items)) as Record<string, unknown>[]);
}

/** The JSON text of input items, whichever form they were stored in. */
export function storedItemsText(items: StoredResponse['inputItems']): string {
  return Array.isArray(items)
    ? JSON.stringify(items)
    : Buffer.from(items.utf8.buffer, items.utf8.byteOffset, items.utf8.byteLength).toString('utf8');
}

/** A person who signs in to the Admin UI with a password (stored as an argon2id hash only). */
export interface AdminUser {
  id: string;
  name: string;
  role: AdminRole;
  passwordHash: string;
  createdAt: number;
}

/** A signed-in browser: the cookie holds a random token, the store only its SHA-256. */
export interface AdminSession {
  id: string;
  tokenSha256: string;
  /** Signed in with a password (`user`) or with a named admin token (`token`). */
  subjectKind: 'user' | 'token';
  subjectId: string;
  name: string;
  role: AdminRole;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  revokedAt: number | null;
  origin: string;
  userAgent: string | null;
}

export interface Store {
  insertRequests(records: readonly RequestRecord[]): Promise<void>;
  listRequests(query: RequestQuery): Promise<RequestRecord[]>;
  /** How many records the query's filters match (its cursor aside), counted to `cap` + 1 at most. */
  countRequests(query: RequestQuery, cap: number): Promise<number>;
  getRequest(id: string): Promise<RequestRecord | undefined>;
  /**
   * Deletes up to `limit` request records older than `before` (epoch ms), keeping their cost per client and
   * quarter hour for budgets (pruned_spend); returns how many went.
   */
  deleteRequestsBefore(before: number, limit: number): Promise<number>;
  /** Request counts and token sums per model, client and provider in a time window, summed in the database. */
  summarizeTraffic(query: TrafficQuery): Promise<TrafficRow[]>;
  /** Requests, tokens and cost per key, model, provider or tag in a time window, summed in the database. */
  summarizeUsage(query: UsageQuery): Promise<UsageRow[]>;
  /** USD the client's requests cost since `since` (epoch ms): the starting point of its budget counters. */
  clientSpendSince(client: string, keyId: string | null, since: number): Promise<number>;

  insertClientKey(key: ClientKey): Promise<void>;
  listClientKeys(): Promise<ClientKey[]>;
  /** The active (unrevoked) keys whose id or name this is: a look-up that does not list every key. */
  activeClientKeys(idOrName: string): Promise<ClientKey[]>;
  /** A page of keys matching a search, in (name, id) order: what operators list, never every key at once. */
  searchClientKeys(search: ClientKeySearch): Promise<ClientKey[]>;
  /** Keys in id order after `afterId` (null: from the first), at most `limit`. */
  listClientKeysPage(afterId: string | null, limit: number): Promise<ClientKey[]>;
  /** The client keys' change log's newest entry. */
  latestClientKeyChange(): Promise<ClientKeyChange | undefined>;
  /**
   * The change log's entries from `since` on (included), at most `limit` + 1, with the keys they name as they
   * are now (none when there were more than `limit`): what a gateway applies instead of reloading every key.
   */
  clientKeyChanges(since: number, limit: number): Promise<ClientKeyChanges>;
  /** Rotated keys whose old token's grace period has ended by `now`. */
  listEndedGraces(now: number): Promise<ClientKey[]>;
  /** Revokes the active key with this id or name; returns it, or undefined when there is none. */
  revokeClientKey(idOrName: string, at: number): Promise<ClientKey | undefined>;
  /** Changes the active key with this id or name; returns it as it is now, or undefined when there is none. */
  updateClientKey(idOrName: string, patch: ClientKeyPatch): Promise<ClientKey | undefined>;
  /**
   * Forgets the replaced token of a rotation, only while it is still `previousTokenSha256` (one gateway of many
   * wins); returns the key when this call ended the grace period.
   */
  endClientKeyGrace(id: string, previousTokenSha256: string): Promise<ClientKey | undefined>;

  insertAdminToken(token: AdminToken): Promise<void>;
  listAdminTokens(): Promise<AdminToken[]>;
  revokeAdminToken(idOrName: string, at: number): Promise<AdminToken | undefined>;
  /** The credential tables' change counters: a tiny read, so that the periodic reload lists only what changed. */
  credentialVersions(): Promise<CredentialVersions>;

  /**
   * Appends a revision and makes it active atomically. With `expectActive` set, only when the active
   * revision is still that one (null: no revision yet).
   */
  createRevision(input: NewRevision, options: { expectActive?: number | null }): Promise<CreateRevisionResult>;
  getRevision(number: number): Promise<ConfigRevision | undefined>;
  /** The newest revision, or the newest from `source`. */
  latestRevision(source?: RevisionSource): Promise<ConfigRevision | undefined>;
  listRevisions(query: { limit: number; before?: number | undefined }): Promise<RevisionSummary[]>;
  /** The active revision number every gateway process on this store should run; null before the first. */
  activeRevisionNumber(): Promise<number | null>;
  setGuardState(number: number, state: GuardState, detail: string | null): Promise<void>;

  /** Appends to the audit hash chain (safe with concurrent writers). */
  appendAudit(entry: AuditEntry): Promise<AuditRecord>;
  listAudit(query: AuditQuery): Promise<AuditRecord[]>;
  /** Records after `afterSeq`, oldest first. */
  auditPage(afterSeq: number, limit: number): Promise<AuditRecord[]>;

  /** Inserts a batch of stored responses in one transaction (ids already present are left as they are). */
  insertStoredResponses(responses: readonly StoredResponse[]): Promise<void>;
  /** The stored response with this id, only when `clientScope` created it. */
  getStoredResponse(id: string, clientScope: string): Promise<StoredResponse | undefined>;
  /** Deletes it when `clientScope` created it; true when something was deleted. */
  deleteStoredResponse(id: string, clientScope: string): Promise<boolean>;
  /** Deletes up to `limit` stored responses created before `before` (epoch ms); returns how many went. */
  deleteStoredResponsesBefore(before: number, limit: number): Promise<number>;
  insertAdminUser(user: AdminUser): Promise<void>;
  listAdminUsers(): Promise<AdminUser[]>;
  /** Deletes the user with this id or name; returns it, or undefined when there is none. */
  deleteAdminUser(idOrName: string): Promise<AdminUser | undefined>;

  insertSession(session: AdminSession): Promise<void>;
  findSession(tokenSha256: string): Promise<AdminSession | undefined>;
  /** Sessions neither revoked nor expired at `now`, newest first. */
  listSessions(now: number): Promise<AdminSession[]>;
  touchSession(id: string, at: number): Promise<void>;
  /** Revokes active sessions by session id or by the user/token they belong to; returns those revoked. */
  revokeSessions(match: { id?: string; subjectId?: string }, at: number): Promise<AdminSession[]>;

  /** Adds rollup rows into their grains' tables (insertRequests does this for its own batch). */
  insertRollups(deltas: readonly RollupDelta[]): Promise<void>;
  queryRollups(query: RollupQuery): Promise<RollupPoint[]>;
  /** The newest bucket at or after `since` that counted each value of a dimension (last use of each client). */
  lastRollupBuckets(query: LastBucketQuery): Promise<Array<{ value: string; bucket: number }>>;
  /** Deletes rollup rows of a grain older than `before` (epoch ms); returns how many went. */
  deleteRollupsBefore(grain: RollupGrain, before: number): Promise<number>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  /** Meta entries whose key starts with `prefix` (the reports of running gateways). */
  listMeta(prefix: string): Promise<Array<{ key: string; value: string }>>;
  deleteMeta(key: string): Promise<void>;

  /**
   * Writes a consistent copy of the whole database to `file` (SQLite's VACUUM INTO): what saves a store whose file
   * was deleted while it was open. Only the SQLite store has one.
   */
  saveCopy?(file: string): Promise<void>;

  close(): Promise<void>;
}

/** Method names of Store, for transports (the SQLite worker) that call them by name. */
export type StoreMethod = Exclude<keyof Store, 'close'>;
