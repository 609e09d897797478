import { compileAccess } from '../routing/limits/client-access.js';
import type { ClientKey } from '../store/store.js';
import type { ClientIdentity } from './client-directory.js';

function keyIdentity(key: ClientKey): ClientIdentity {
  return {
    name: key.name,
    source: 'key',
    keyId: key.id,
    expiresAt: key.expiresAt,
    tags: key.policy.tags,
    access: compileAccess(key.id, key.name, key.policy, key.createdAt),
  };
}

/**
 * The store's usable client keys by token hash, with the hashes each key id put there, so that one changed key
 * can be replaced without rebuilding the rest. Revoked keys are left out; expired ones stay (the directory
 * refuses them by their own expiry time, to the millisecond, whatever the table holds).
 */
export class ClientKeyTable {
  private readonly byDigest = new Map<string, ClientIdentity>();
  private readonly digestsById = new Map<string, string[]>();

  get(digest: string): ClientIdentity | undefined {
    return this.byDigest.get(digest);
  }

  /** How many keys it holds. */
  get size(): number {
    return this.digestsById.size;
  }

  /** Puts a key as it is now in place of what the table had for its id; `undefined`: the key was deleted. */
  set(id: string, key: ClientKey | undefined): void {
    for (const digest of this.digestsById.get(id) ?? []) this.byDigest.delete(digest);
    this.digestsById.delete(id);
    if (!key || key.revokedAt !== null) return;
    const identity = keyIdentity(key);
    const digests = [key.tokenSha256];
    this.byDigest.set(key.tokenSha256, identity);
    // A rotated key's old token works until its grace period ends (or the key expires, if that is sooner).
    if (key.previousTokenSha256 !== null && key.previousExpiresAt !== null) {
      const until = Math.min(key.previousExpiresAt, key.expiresAt ?? Number.POSITIVE_INFINITY);
      this.byDigest.set(key.previousTokenSha256, { ...identity, expiresAt: until });
      digests.push(key.previousTokenSha256);
    }
    this.digestsById.set(id, digests);
  }
}
