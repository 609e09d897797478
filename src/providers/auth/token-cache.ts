import type { AuthorizeWait } from '../provider-descriptor.js';

/**
 * A request gave up waiting for a token the endpoint has not sent within the attempt's first-byte limit: a
 * timeout of this attempt, so routing falls back as it does for an upstream that does not answer.
 */
export class TokenWaitTimeoutError extends Error {
  readonly code = 'EGATEWAY_TOKEN_TIMEOUT';

  constructor(timeoutMs: number) {
    super(`no access token from the token endpoint within ${timeoutMs} ms`);
  }
}

/** An access token and when it stops being valid (epoch ms). */
export interface AccessToken {
  token: string;
  expiresAt: number;
}

/** Refresh this long before expiry, or at 90% of a shorter token's life, so no request carries a dying token. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/**
 * Inside the refresh margin a token with at least this much life left is still sent while its refresh runs: a
 * request only has to reach the upstream before the token dies.
 */
const STILL_GOOD_MS = 30_000;
/** How long a refusal of a token fetched to replace a refused one is taken as final (see `refused`). */
const REPLACEMENT_TRUSTED_MS = 60_000;

/**
 * A bearer token fetched on first use, shared by every request, and fetched again shortly before it
 * expires. Concurrent requests during a fetch wait for that one fetch; a failed fetch is not cached, so the
 * next request tries again. The early refresh runs behind the current token: requests inside the refresh
 * margin go out with it at once instead of waiting on the token endpoint (a slow one would otherwise hold
 * one request in every token's life), and one that fails leaves the current token in use while it is still
 * valid: a token endpoint blip inside the refresh margin must not fail requests a live token can serve.
 * A request waits for a fetch no longer than its own `wait` allows, and leaves early when it is cancelled;
 * the fetch goes on for the requests still waiting and for the next ones, which join it rather than start
 * another (a stalled endpoint gets one request, not one per client request).
 */
export class TokenCache {
  private current: AccessToken | undefined;
  private refreshAt = 0;
  private pending: Promise<AccessToken> | undefined;
  /** The next fetch replaces a token the upstream refused. */
  private replacing = false;
  /** Until when (epoch ms) a refusal of the current token is final: it was just fetched to replace a refused one. */
  private refusalFinalUntil = 0;

  constructor(
    private readonly fetchToken: () => Promise<AccessToken>,
    private readonly now: () => number,
  ) {}

  async token(wait?: AuthorizeWait): Promise<string> {
    const current = this.current;
    const now = this.now();
    if (current && now < this.refreshAt) return current.token;
    if (!this.pending) {
      this.pending = this.refresh();
      // Handled here so a background refresh that fails is no unhandled rejection; waiters still see it.
      this.pending.catch(() => undefined);
    }
    if (current && now < current.expiresAt - STILL_GOOD_MS) return current.token;
    try {
      return (await (wait ? waitAtMost(this.pending, wait) : this.pending)).token;
    } catch (error) {
      if (wait?.signal?.aborted) throw error;
      if (this.current && this.now() < this.current.expiresAt) return this.current.token;
      throw error;
    }
  }

  /**
   * The upstream refused `token` (401/403): true when sending the request once more with `token()`'s answer is
   * worth it. A refused token that is still the cached one is dropped, so this request and every later one get
   * a fresh token instead of carrying a revoked one until it expires. A token fetched in the last minute to
   * replace a refused one is kept, and no retry is asked for: its refusal is about something a new token does
   * not change (a missing permission), and dropping it again would cost a token fetch per request; after that
   * minute a refusal drops it like any other, so a later revocation is still noticed. A token that is no
   * longer the cached one (another request already replaced it) is worth one retry with the newer one.
   */
  refused(token: string): boolean {
    const current = this.current;
    if (current?.token !== token) return true;
    if (this.now() < this.refusalFinalUntil) return false;
    this.current = undefined;
    this.refreshAt = 0;
    this.replacing = true;
    return true;
  }

  private async refresh(): Promise<AccessToken> {
    const replacing = this.replacing;
    this.replacing = false;
    try {
      const fetched = await this.fetchToken();
      const issuedAt = this.now();
      this.refusalFinalUntil = replacing ? issuedAt + REPLACEMENT_TRUSTED_MS : 0;
      const margin = Math.min(REFRESH_MARGIN_MS, (fetched.expiresAt - issuedAt) / 10);
      this.current = fetched;
      this.refreshAt = fetched.expiresAt - margin;
      return fetched;
    } catch (error) {
      // The next fetch still replaces the refused token.
      this.replacing ||= replacing;
      throw error;
    } finally {
      this.pending = undefined;
    }
  }
}

/** `pending`, or a rejection once the request is cancelled or has waited `wait.timeoutMs`, whichever is first. */
function waitAtMost(pending: Promise<AccessToken>, wait: AuthorizeWait): Promise<AccessToken> {
  const { signal, timeoutMs } = wait;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const settle = () => {
      clearTimeout(timer);
      signal?.off('abort', onAbort);
    };
    const onAbort = () => {
      settle();
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      settle();
      reject(new TokenWaitTimeoutError(timeoutMs));
    }, timeoutMs);
    signal?.once('abort', onAbort);
    pending.then(
      (token) => {
        settle();
        resolve(token);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}
