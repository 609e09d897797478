import { signal } from '@preact/signals';

export interface Me {
  name: string;
  role: 'admin' | 'viewer';
  /** How this principal signed in (`token`, `user`): a user and an admin token may carry the same name. */
  kind?: string;
}

/** Who GET /session says is signed in. */
export function meOf(who: { name: string; role: Me['role']; session?: { kind?: string } | null }): Me {
  const kind = who.session?.kind;
  return kind === undefined ? { name: who.name, role: who.role } : { name: who.name, role: who.role, kind };
}

/** One principal, the same across sign-ins: its kind and name. */
export const principalOf = (who: Me) => `${who.kind ?? ''}:${who.name}`;

/** Who is signed in: undefined while checking, null when signed out. */
export const me = signal<Me | null | undefined>(undefined);

/** Why the sign-in page shows mid-session (the session expired or was revoked); '' after a sign-out or at start. */
export const signedOutReason = signal('');

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly problems: Array<{ path: string; message: string; line?: number | null }> = [],
  ) {
    super(message);
  }
}

/** Calls the admin API with the session cookie; a 401 means the session ended, so the sign-in page shows. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`/admin/api${path}`, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const payload = (await response.json().catch(() => ({}))) as {
    error?: { message?: string; code?: string; problems?: ApiError['problems'] };
  };
  if (!response.ok) {
    if (response.status === 401 && path !== '/session') {
      // A page's request found the session gone: say so, or the operator meets a sign-in page without a reason.
      if (me.value) signedOutReason.value = 'Your session ended (it expired or was revoked). Sign in again to go on.';
      me.value = null;
    }
    throw new ApiError(
      payload.error?.message ?? `HTTP ${response.status}`,
      response.status,
      payload.error?.code,
      payload.error?.problems,
    );
  }
  return payload as T;
}

export const canWrite = () => me.value?.role === 'admin';
