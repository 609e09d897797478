import type { ClientConfig } from '../config/schema.js';
import type { ClientKey } from '../store/store.js';
import { RefreshingIndex } from './refreshing-index.js';
import { hashToken } from './token-hash.js';

export interface ClientIdentity {
  name: string;
  source: 'config' | 'key';
  keyId?: string | undefined;
  expiresAt?: number | null | undefined;
  /** Key tags (`team: search`), copied into every request record for usage reports by tag. */
  tags?: Record<string, string> | undefined;
}

export interface ClientKeySource {
  listClientKeys(): Promise<ClientKey[]>;
}

/** Who a gateway token belongs to: config clients plus store keys, both by token hash, in memory. */
export class ClientDirectory {
  private fromConfig = new Map<string, ClientIdentity>();
  private readonly fromStore: RefreshingIndex<ClientIdentity>;

  constructor(
    keys: ClientKeySource,
    private readonly now: () => number = Date.now,
  ) {
    this.fromStore = new RefreshingIndex(async () => {
      const map = new Map<string, ClientIdentity>();
      for (const key of await keys.listClientKeys()) {
        if (key.revokedAt !== null) continue;
        map.set(key.tokenSha256, { name: key.name, source: 'key', keyId: key.id, expiresAt: key.expiresAt });
      }
      return map;
    }, now);
  }

  setConfigClients(clients: readonly ClientConfig[]): void {
    const map = new Map<string, ClientIdentity>();
    for (const client of clients) {
      const digest = client.token_sha256?.toLowerCase() ?? hashToken(client.token ?? '');
      map.set(digest, { name: client.name, source: 'config' });
    }
    this.fromConfig = map;
  }

  refresh(): Promise<void> {
    return this.fromStore.refresh();
  }

  /** Resolves a token to its client, or undefined when it is unknown, revoked or expired. */
  authenticate(token: string): Promise<ClientIdentity | undefined> | ClientIdentity {
    const digest = hashToken(token);
    const configured = this.fromConfig.get(digest);
    if (configured) return configured;
    const active = (identity: ClientIdentity) => !identity.expiresAt || identity.expiresAt > this.now();
    const known = this.fromStore.get(digest);
    if (known && active(known)) return known;
    return this.fromStore.lookup(digest, active);
  }
}
