import { randomUUID } from 'node:crypto';
import type { AdminRole, AdminSession, Store } from '../store/store.js';
import { generateToken, hashToken } from './token-hash.js';

export const SESSION_COOKIE = 'amg_session';

export interface SessionSettings {
  /** Lifetime from sign-in. */
  sessionMs: number;
  /** Longest gap between two requests. */
  idleMs: number;
}

export interface SessionSubject {
  kind: AdminSession['subjectKind'];
  id: string;
  name: string;
  role: AdminRole;
}

/** How often a session's last-seen time is written: idle timeouts are exact to this much, and reads stay reads. */
const TOUCH_EVERY_MS = 30_000;

type SessionStore = Pick<Store, 'insertSession' | 'findSession' | 'touchSession' | 'revokeSessions' | 'listSessions'>;

/**
 * Server-side browser sessions. The cookie carries a random token; the store keeps only its SHA-256, so a
 * leaked database opens no session. Every request looks the session up in the store (no cache), so sign-out
 * and revocation — from this process, the CLI or another instance — take effect on the very next request.
 */
export class Sessions {
  constructor(
    private readonly store: SessionStore,
    private readonly settings: () => SessionSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async create(
    subject: SessionSubject,
    origin: string,
    userAgent: string | null,
  ): Promise<{ token: string; session: AdminSession }> {
    const now = this.now();
    const token = generateToken('amg_session_');
    const session: AdminSession = {
      id: `ses_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
      tokenSha256: hashToken(token),
      subjectKind: subject.kind,
      subjectId: subject.id,
      name: subject.name,
      role: subject.role,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.settings().sessionMs,
      revokedAt: null,
      origin,
      userAgent: userAgent ? userAgent.slice(0, 256) : null,
    };
    await this.store.insertSession(session);
    return { token, session };
  }

  /** The live session a cookie token opens, or undefined (unknown, revoked, expired or idle too long). */
  async authenticate(token: string): Promise<AdminSession | undefined> {
    const session = await this.store.findSession(hashToken(token));
    if (!session || session.revokedAt !== null) return undefined;
    const now = this.now();
    if (now >= session.expiresAt || now - session.lastSeenAt >= this.settings().idleMs) return undefined;
    if (now - session.lastSeenAt >= TOUCH_EVERY_MS) {
      await this.store.touchSession(session.id, now);
      session.lastSeenAt = now;
    }
    return session;
  }

  list(): Promise<AdminSession[]> {
    const now = this.now();
    const idleMs = this.settings().idleMs;
    return this.store.listSessions(now).then((all) => all.filter((s) => now - s.lastSeenAt < idleMs));
  }

  revoke(match: { id?: string; subjectId?: string }): Promise<AdminSession[]> {
    return this.store.revokeSessions(match, this.now());
  }
}

/** A session as the API and CLI show it: never the token or its hash. */
export function viewSession(session: AdminSession) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: session.id,
    name: session.name,
    role: session.role,
    kind: session.subjectKind,
    origin: session.origin,
    userAgent: session.userAgent,
    createdAt: iso(session.createdAt),
    lastSeenAt: iso(session.lastSeenAt),
    expiresAt: iso(session.expiresAt),
  };
}

export type SessionView = ReturnType<typeof viewSession>;

/** Reads one cookie's value from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
