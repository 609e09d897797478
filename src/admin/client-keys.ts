import { randomUUID } from 'node:crypto';
import { generateToken, hashToken } from '../auth/token-hash.js';
import type { ClientKey, Store } from '../store/store.js';

/** A client key as shown to operators: never the token or its hash. */
/** Longest lifetime a client key can be given (ten years); no expiry at all is asked for by leaving it out. */
const MAX_EXPIRY_DAYS = 3_650;

export interface ClientKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  status: 'active' | 'revoked' | 'expired';
}

export function viewClientKey(key: ClientKey, now = Date.now()): ClientKeyView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: new Date(key.createdAt).toISOString(),
    expiresAt: iso(key.expiresAt),
    revokedAt: iso(key.revokedAt),
    status: key.revokedAt !== null ? 'revoked' : key.expiresAt !== null && key.expiresAt <= now ? 'expired' : 'active',
  };
}

export class ClientKeyError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ClientKeyError';
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** Creates a client token; the returned token is the only time it exists in clear. */
export async function createClientKey(
  store: Pick<Store, 'insertClientKey' | 'listClientKeys'>,
  input: { name: string; expiresInDays?: number | undefined },
  now = Date.now(),
): Promise<{ token: string; key: ClientKeyView }> {
  if (!NAME.test(input.name)) {
    throw new ClientKeyError('name must be 1-128 characters: letters, digits and . _ : @ -', 400);
  }
  const existing = await store.listClientKeys();
  if (existing.some((k) => k.name === input.name && k.revokedAt === null)) {
    throw new ClientKeyError(
      `an active key named "${input.name}" already exists; revoke it first or pick another name`,
      409,
    );
  }
  // Bounded before anything is written: 1e10 days once inserted a key whose expiry no date can hold, after which
  // listing and deleting keys failed for good; 1e308 made a key that never expires.
  if (input.expiresInDays !== undefined && !(input.expiresInDays > 0 && input.expiresInDays <= MAX_EXPIRY_DAYS)) {
    throw new ClientKeyError(`expiresInDays must be a number of days between 0 and ${MAX_EXPIRY_DAYS}`, 400);
  }
  const token = generateToken('amg_');
  const key: ClientKey = {
    id: `key_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
    name: input.name,
    tokenSha256: hashToken(token),
    prefix: token.slice(0, 10),
    createdAt: now,
    expiresAt: input.expiresInDays === undefined ? null : now + input.expiresInDays * 86_400_000,
    revokedAt: null,
  };
  await store.insertClientKey(key);
  return { token, key: viewClientKey(key, now) };
}

export async function listClientKeys(store: Pick<Store, 'listClientKeys'>): Promise<ClientKeyView[]> {
  const now = Date.now();
  return (await store.listClientKeys()).map((key) => viewClientKey(key, now));
}

export async function revokeClientKey(store: Pick<Store, 'revokeClientKey'>, idOrName: string): Promise<ClientKeyView> {
  const revoked = await store.revokeClientKey(idOrName, Date.now());
  if (!revoked) throw new ClientKeyError(`no active key with id or name "${idOrName}"`, 404);
  return viewClientKey(revoked);
}
