import type { AdminDirectory } from '../auth/admin-directory.js';
import { verifyPassword } from '../auth/password.js';
import type { SessionSubject } from '../auth/sessions.js';
import { SignInThrottle } from '../auth/sign-in-throttle.js';
import type { Store } from '../store/store.js';

/** Failed sign-ins allowed per source address, and per user name, in the window. */
export const ADDRESS_LIMIT = 10;
export const USER_LIMIT = 5;
export const THROTTLE_WINDOW_MS = 15 * 60_000;

export type SignInCredentials = { token: string } | { username: string; password: string };

export type SignInResult =
  | { ok: true; subject: SessionSubject }
  | { ok: false; status: 400 | 401; reason: string }
  | { ok: false; status: 429; reason: string; retryAfterMs: number };

/** Reads the sign-in body: an admin token, or a user name and password. */
export function parseCredentials(body: unknown): SignInCredentials | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const { token, username, password } = body as Record<string, unknown>;
  if (typeof token === 'string' && token) return { token };
  if (typeof username === 'string' && username && typeof password === 'string') return { username, password };
  return undefined;
}

/**
 * Checks sign-in credentials with throttling per source address and per user name. A throttled attempt is
 * refused before any credential is checked, so guessing stops costing argon2 time too.
 */
export class SignIn {
  private readonly byAddress = new SignInThrottle(ADDRESS_LIMIT, THROTTLE_WINDOW_MS);
  private readonly byUser = new SignInThrottle(USER_LIMIT, THROTTLE_WINDOW_MS);

  constructor(
    private readonly store: Pick<Store, 'listAdminUsers'>,
    private readonly admins: AdminDirectory,
    private readonly now: () => number = Date.now,
  ) {}

  async attempt(credentials: SignInCredentials, address: string): Promise<SignInResult> {
    const now = this.now();
    const user = 'username' in credentials ? `user:${credentials.username.toLowerCase()}` : undefined;
    const wait = Math.max(this.byAddress.retryAfterMs(address, now), user ? this.byUser.retryAfterMs(user, now) : 0);
    if (wait > 0) return { ok: false, status: 429, reason: 'too many failed sign-ins', retryAfterMs: wait };
    const subject = await this.verify(credentials);
    if (subject) return { ok: true, subject };
    this.byAddress.fail(address, now);
    if (user) this.byUser.fail(user, now);
    return {
      ok: false,
      status: 401,
      reason: 'token' in credentials ? 'invalid or revoked admin token' : 'wrong user name or password',
    };
  }

  private async verify(credentials: SignInCredentials): Promise<SessionSubject | undefined> {
    if ('token' in credentials) {
      const identity = await this.admins.authenticate(credentials.token);
      return identity && { kind: 'token', id: identity.id, name: identity.name, role: identity.role };
    }
    const user = (await this.store.listAdminUsers()).find((u) => u.name === credentials.username);
    const ok = await verifyPassword(user?.passwordHash, credentials.password);
    return ok && user ? { kind: 'user', id: user.id, name: user.name, role: user.role } : undefined;
  }
}
