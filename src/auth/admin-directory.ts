import type { AdminRole, AdminToken } from '../store/store.js';
import { RefreshingIndex } from './refreshing-index.js';
import { hashToken } from './token-hash.js';

export interface AdminIdentity {
  id: string;
  name: string;
  role: AdminRole;
}

export interface AdminTokenSource {
  listAdminTokens(): Promise<AdminToken[]>;
}

/** Named admin credentials by token hash. */
export class AdminDirectory {
  private readonly index: RefreshingIndex<AdminIdentity>;

  constructor(tokens: AdminTokenSource, now: () => number = Date.now) {
    this.index = new RefreshingIndex(async () => {
      const map = new Map<string, AdminIdentity>();
      for (const token of await tokens.listAdminTokens()) {
        if (token.revokedAt === null) map.set(token.tokenSha256, { id: token.id, name: token.name, role: token.role });
      }
      return map;
    }, now);
  }

  refresh(): Promise<void> {
    return this.index.refresh();
  }

  authenticate(token: string): Promise<AdminIdentity | undefined> {
    return this.index.lookup(hashToken(token));
  }
}
