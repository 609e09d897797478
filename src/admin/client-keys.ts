import { randomBytes, randomUUID } from 'node:crypto';
import { generateToken, hashToken } from '../auth/token-hash.js';
import { issueMessage } from '../config/issue-path.js';
import { type KeyPolicy, keyPolicySchema } from '../config/key-policy-schema.js';
import type { ClientKey, ClientKeySearch, Store } from '../store/store.js';

/** Longest lifetime a client key can be given (ten years); no expiry at all is asked for by leaving it out. */
const MAX_EXPIRY_DAYS = 3_650;
/** Longest grace period of a rotation: the old token of a leaked key must not live on for long. */
/** The longest grace period a rotation gives the old token. */
export const MAX_GRACE_MS = 30 * 86_400_000;

/** A client key as shown to operators: never the token or its hash. */
export interface ClientKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  status: 'active' | 'revoked' | 'expired';
  policy: KeyPolicy;
  /** Until when the token a rotation replaced still works; null when there is none. */
  previousTokenValidUntil: string | null;
}

export function viewClientKey(key: ClientKey, now = Date.now()): ClientKeyView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const graceOpen = key.previousTokenSha256 !== null && key.previousExpiresAt !== null && key.previousExpiresAt > now;
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: new Date(key.createdAt).toISOString(),
    expiresAt: iso(key.expiresAt),
    revokedAt: iso(key.revokedAt),
    status: key.revokedAt !== null ? 'revoked' : key.expiresAt !== null && key.expiresAt <= now ? 'expired' : 'active',
    policy: key.policy,
    previousTokenValidUntil: graceOpen ? iso(key.previousExpiresAt) : null,
  };
}

/** A refused request field: its dotted path (`budgets.day`, `model_limits.gpt-4o.rpm`) and what is wrong. */
export interface KeyFieldProblem {
  path: string;
  message: string;
}

export class ClientKeyError extends Error {
  /**
   * @param field the request field at fault, or every field at fault (the first one's is the message), so a form
   *   can show each message beside its field; the message names the field too, for the CLI.
   */
  constructor(
    message: string,
    readonly status: number,
    field?: string | KeyFieldProblem[],
  ) {
    super(message);
    this.name = 'ClientKeyError';
    this.problems = typeof field === 'string' ? [{ path: field, message }] : (field ?? []);
  }

  readonly problems: KeyFieldProblem[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/**
 * A new client token, `amg_<shortid>_<secret>`: the short id is the visible prefix that names the token in logs
 * and leak scanners without revealing it; a rotation gets a new one, so old and new tokens are told apart.
 */
function newToken(): { token: string; prefix: string } {
  const prefix = `amg_${randomBytes(5).toString('hex')}`;
  return { token: generateToken(`${prefix}_`), prefix };
}

/** Validates a policy as the admin API and CLI send it, naming the offending field. */
export function parseKeyPolicy(input: unknown): KeyPolicy {
  const parsed = keyPolicySchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const describe = (issue: (typeof parsed.error.issues)[number]) =>
    `invalid key policy: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issueMessage(issue)}`;
  const problems = parsed.error.issues
    .filter((issue) => issue.path.length > 0)
    .map((issue) => ({ path: issue.path.join('.'), message: describe(issue) }));
  const first = parsed.error.issues[0];
  throw new ClientKeyError(first ? describe(first) : 'invalid key policy', 400, problems);
}

/** JSON Merge Patch (RFC 7396): objects merge key by key, `null` removes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const merged: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete merged[field];
    else merged[field] = mergePatch(merged[field], value);
  }
  return merged;
}

/**
 * A policy with a change applied as a JSON merge patch: `{"rpm": 100}` sets one limit, `{"budgets": {"day":
 * null}}` removes one budget and keeps the others, `{"models": [...]}` replaces the list.
 */
export function mergedPolicy(current: KeyPolicy, change: Record<string, unknown>): KeyPolicy {
  return parseKeyPolicy(mergePatch(current, change));
}

/** Creates a client token; the returned token is the only time it exists in clear. */
export async function createClientKey(
  store: Pick<Store, 'insertClientKey' | 'activeClientKeys'>,
  input: { name: string; expiresInDays?: number | undefined; policy?: KeyPolicy | undefined },
  now = Date.now(),
): Promise<{ token: string; key: ClientKeyView }> {
  if (!NAME.test(input.name)) {
    throw new ClientKeyError('name must be 1-128 characters: letters, digits and . _ : @ -', 400, 'name');
  }
  // The keys this name could be, not every key: the admin API runs in the gateway, whose loop a list stalls.
  const existing = await store.activeClientKeys(input.name);
  if (existing.some((k) => k.name === input.name)) {
    throw new ClientKeyError(
      `an active key named "${input.name}" already exists; revoke it first or pick another name`,
      409,
      'name',
    );
  }
  // Bounded before anything is written: 1e10 days once inserted a key whose expiry no date can hold, after which
  // listing and deleting keys failed for good; 1e308 made a key that never expires.
  if (input.expiresInDays !== undefined && !(input.expiresInDays > 0 && input.expiresInDays <= MAX_EXPIRY_DAYS)) {
    // Named as the admin API takes it; `amg keys create` checks --expires-in-days itself first.
    throw new ClientKeyError(
      `expires_in_days must be a number of days above 0 and at most ${MAX_EXPIRY_DAYS} (got ${String(input.expiresInDays)})`,
      400,
      'expires_in_days',
    );
  }
  const { token, prefix } = newToken();
  const key: ClientKey = {
    id: `key_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
    name: input.name,
    tokenSha256: hashToken(token),
    prefix,
    createdAt: now,
    expiresAt: input.expiresInDays === undefined ? null : now + input.expiresInDays * 86_400_000,
    revokedAt: null,
    policy: parseKeyPolicy(input.policy ?? {}),
    previousTokenSha256: null,
    previousExpiresAt: null,
  };
  await store.insertClientKey(key);
  return { token, key: viewClientKey(key, now) };
}

/** The largest page of keys one list call returns, and the page when none is asked for. */
export const MAX_KEY_PAGE = 500;
const DEFAULT_KEY_PAGE = 100;
const KEY_STATUSES = new Set(['active', 'revoked', 'expired']);

/** A page of keys and where the next one starts (null: this was the last). */
export interface ClientKeyPage {
  data: ClientKeyView[];
  next_cursor: string | null;
}

/** The cursor is the last key's (name, id), opaque to callers: names repeat once revoked, ids never do. */
function encodeCursor(key: ClientKey): string {
  return Buffer.from(JSON.stringify([key.name, key.id])).toString('base64url');
}

function decodeCursor(cursor: string): { name: string; id: string } {
  try {
    const [name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof name === 'string' && typeof id === 'string') return { name, id };
  } catch {}
  throw new ClientKeyError('cursor is not one a previous page returned', 400);
}

/**
 * Reads `GET /keys`'s query: `search` (part of a name, the start of a prefix, or an id), `tag` (`team` or
 * `team=search`), `status` (active, revoked, expired), `limit` (1-500, default 100) and `cursor`.
 */
export function parseKeySearch(params: Record<string, string | undefined>, now = Date.now()): ClientKeySearch {
  const limit = params.limit === undefined || params.limit === '' ? DEFAULT_KEY_PAGE : Number(params.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_KEY_PAGE) {
    throw new ClientKeyError(`limit must be an integer between 1 and ${MAX_KEY_PAGE}`, 400);
  }
  const status = params.status || undefined;
  if (status !== undefined && !KEY_STATUSES.has(status)) {
    throw new ClientKeyError('status must be active, revoked or expired', 400);
  }
  const text = params.search?.trim() || undefined;
  if (text !== undefined && text.length > 256) throw new ClientKeyError('search must be at most 256 characters', 400);
  const tagText = params.tag?.trim() || undefined;
  let tag: ClientKeySearch['tag'];
  if (tagText !== undefined) {
    const at = tagText.indexOf('=');
    tag = at < 0 ? { name: tagText } : { name: tagText.slice(0, at), value: tagText.slice(at + 1) };
    if (tag.name === '' || tagText.length > 330) throw new ClientKeyError('tag must be NAME or NAME=VALUE', 400);
  }
  return {
    text,
    tag,
    status: status as ClientKeySearch['status'],
    after: params.cursor ? decodeCursor(params.cursor) : undefined,
    limit,
    now,
  };
}

/** One page of keys as operators see them; one row more is read to know whether another page follows. */
export async function listClientKeys(
  store: Pick<Store, 'searchClientKeys'>,
  params: Record<string, string | undefined> = {},
): Promise<ClientKeyPage> {
  const search = parseKeySearch(params);
  const rows = await store.searchClientKeys({ ...search, limit: search.limit + 1 });
  const page = rows.slice(0, search.limit);
  const last = page[page.length - 1];
  return {
    data: page.map((key) => viewClientKey(key, search.now)),
    next_cursor: rows.length > search.limit && last ? encodeCursor(last) : null,
  };
}

async function activeKey(store: Pick<Store, 'activeClientKeys'>, idOrName: string): Promise<ClientKey> {
  const matches = await store.activeClientKeys(idOrName);
  const key = matches.find((k) => k.id === idOrName) ?? matches[0];
  if (!key) throw new ClientKeyError(`no active key with id or name "${idOrName}"`, 404);
  return key;
}

/** Changes a key's models, limits, budgets or tags; its token stays as it is. */
export async function updateClientKey(
  store: Pick<Store, 'activeClientKeys' | 'updateClientKey'>,
  idOrName: string,
  change: Record<string, unknown>,
): Promise<ClientKeyView> {
  const current = await activeKey(store, idOrName);
  const updated = await store.updateClientKey(current.id, { policy: mergedPolicy(current.policy, change) });
  if (!updated) throw new ClientKeyError(`no active key with id or name "${idOrName}"`, 404);
  return viewClientKey(updated);
}

/**
 * Issues a new token for a key; the one it replaces keeps working for `graceMs` (0: not at all). A rotation
 * during another's grace period ends that one: only the token being replaced gets a grace period.
 */
export async function rotateClientKey(
  store: Pick<Store, 'activeClientKeys' | 'updateClientKey'>,
  idOrName: string,
  graceMs: number,
  now = Date.now(),
): Promise<{ token: string; key: ClientKeyView }> {
  if (!(Number.isFinite(graceMs) && graceMs >= 0 && graceMs <= MAX_GRACE_MS)) {
    throw new ClientKeyError('grace must be between 0 and 30 days', 400);
  }
  const current = await activeKey(store, idOrName);
  // A new token of an expired key would not work either: the expiry is the key's, and nothing extends it.
  if (current.expiresAt !== null && current.expiresAt <= now) {
    throw new ClientKeyError(
      `the key "${current.name}" expired at ${new Date(current.expiresAt).toISOString()}; a rotation would not make it work again: create a new key`,
      409,
    );
  }
  const { token, prefix } = newToken();
  // The old token stops with the key at the latest: a grace period is never reported past the key's expiry.
  const graceEnds = current.expiresAt === null ? now + graceMs : Math.min(now + graceMs, current.expiresAt);
  const updated = await store.updateClientKey(current.id, {
    tokenSha256: hashToken(token),
    prefix,
    previousTokenSha256: graceMs > 0 ? current.tokenSha256 : null,
    previousExpiresAt: graceMs > 0 ? graceEnds : null,
  });
  if (!updated) throw new ClientKeyError(`no active key with id or name "${idOrName}"`, 404);
  return { token, key: viewClientKey(updated, now) };
}

export async function revokeClientKey(store: Pick<Store, 'revokeClientKey'>, idOrName: string): Promise<ClientKeyView> {
  const revoked = await store.revokeClientKey(idOrName, Date.now());
  if (!revoked) throw new ClientKeyError(`no active key with id or name "${idOrName}"`, 404);
  return viewClientKey(revoked);
}
