import type { KeyPolicy } from '../config/key-policy-schema.js';
import type { ClientConfig } from '../config/schema.js';
import { type ClientAccess, compileAccess } from '../routing/limits/client-access.js';
import type { CredentialVersions } from '../store/store.js';
import { type ClientKeySource, ClientKeySync, type ClientKeySyncStats } from './client-key-sync.js';
import { RefreshingIndex } from './refreshing-index.js';
import { hashToken } from './token-hash.js';

export interface ClientIdentity {
  name: string;
  source: 'config' | 'key';
  keyId?: string | undefined;
  expiresAt?: number | null | undefined;
  /** The key's tags (team=search), carried into every request record it makes. */
  tags?: Record<string, string> | undefined;
  /** Model access, limits and budgets, compiled; undefined when the client may do anything. */
  access?: ClientAccess | undefined;
}

/** The policy fields of a config client (the same ones `amg keys create` takes). */
function configPolicy(client: ClientConfig): KeyPolicy {
  const { models, rpm, tpm, max_concurrent, model_limits, budgets, tags } = client;
  return { models, rpm, tpm, max_concurrent, model_limits, budgets, tags };
}

export type { ClientKeySource } from './client-key-sync.js';

/** Who a gateway token belongs to: config clients plus store keys, both by token hash, in memory. */
export class ClientDirectory {
  private fromConfig = new Map<string, ClientIdentity>();
  private readonly fromStore: RefreshingIndex<ClientIdentity>;
  private readonly sync: ClientKeySync;

  constructor(
    keys: ClientKeySource & { credentialVersions?(): Promise<CredentialVersions> },
    private readonly now: () => number = Date.now,
  ) {
    const versions = keys.credentialVersions?.bind(keys);
    this.sync = new ClientKeySync(keys);
    this.fromStore = new RefreshingIndex(
      () => this.sync.loadAll(),
      now,
      undefined,
      versions && (async () => (await versions()).clientKeys),
      (version) => this.sync.catchUp(version),
    );
  }

  /** How the store's keys were kept up to date so far: full reloads, and keys applied one by one. */
  get syncStats(): Readonly<ClientKeySyncStats> {
    return this.sync.stats;
  }

  setConfigClients(clients: readonly ClientConfig[]): void {
    const map = new Map<string, ClientIdentity>();
    for (const client of clients) {
      const digest = client.token_sha256?.toLowerCase() ?? hashToken(client.token ?? '');
      const policy = configPolicy(client);
      map.set(digest, {
        name: client.name,
        source: 'config',
        expiresAt: client.expires_at === undefined ? null : Date.parse(client.expires_at),
        tags: policy.tags,
        access: compileAccess(`config:${client.name}`, client.name, policy),
      });
    }
    this.fromConfig = map;
  }

  refresh(): Promise<void> {
    return this.fromStore.refresh();
  }

  /**
   * The periodic check, and what a change made here calls: when the store says the keys changed, applies the
   * changed keys only (or reloads every key when the change log cannot tell).
   */
  refreshIfChanged(): Promise<void> {
    return this.fromStore.refreshIfChanged();
  }

  private readonly active = (identity: ClientIdentity): boolean =>
    identity.expiresAt == null || identity.expiresAt > this.now();

  /** Resolves a token to its client, or undefined when it is unknown, revoked or expired. */
  authenticate(token: string): Promise<ClientIdentity | undefined> | ClientIdentity | undefined {
    const digest = hashToken(token);
    const configured = this.fromConfig.get(digest);
    // An expired config client is refused like an expired key, not looked up again in the store.
    if (configured) return this.active(configured) ? configured : undefined;
    const known = this.fromStore.get(digest);
    if (known && this.active(known)) return known;
    return this.fromStore.lookup(digest, this.active);
  }
}
