import type { AdminRole, AdminToken, CredentialVersions } from '../store/store.js';
import { RefreshingIndex } from './refreshing-index.js';
import { hashToken } from './token-hash.js';

export interface AdminIdentity {
  id: string;
  name: string;
  role: AdminRole;
}

export interface AdminTokenSource {
  listAdminTokens(): Promise<AdminToken[]>;
  /** Without it, every periodic check lists every token. */
  credentialVersions?(): Promise<CredentialVersions>;
}

/** Named admin credentials by token hash. */
export class AdminDirectory {
  private readonly index: RefreshingIndex<AdminIdentity>;

  constructor(tokens: AdminTokenSource, now: () => number = Date.now) {
    const versions = tokens.credentialVersions?.bind(tokens);
    this.index = new RefreshingIndex(
      async () => {
        const map = new Map<string, AdminIdentity>();
        for (const token of await tokens.listAdminTokens()) {
          if (token.revokedAt === null)
            map.set(token.tokenSha256, { id: token.id, name: token.name, role: token.role });
        }
        return map;
      },
      now,
      undefined,
      versions && (async () => (await versions()).adminTokens),
    );
  }

  refresh(): Promise<void> {
    return this.index.refresh();
  }

  /** The periodic check: reloads the tokens only when the store says they changed. */
  refreshIfChanged(): Promise<void> {
    return this.index.refreshIfChanged();
  }

  authenticate(token: string): Promise<AdminIdentity | undefined> {
    return this.index.lookup(hashToken(token));
  }
}
