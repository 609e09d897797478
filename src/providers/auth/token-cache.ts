/** An access token and when it stops being valid (epoch ms). */
export interface AccessToken {
  token: string;
  expiresAt: number;
}

/** Refresh this long before expiry, or at 90% of a shorter token's life, so no request carries a dying token. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * A bearer token fetched on first use, shared by every request, and fetched again shortly before it
 * expires. Concurrent requests during a fetch wait for that one fetch; a failed fetch is not cached, so the
 * next request tries again. An early refresh that fails leaves the current token in use while it is still
 * valid: a token endpoint blip inside the refresh margin must not fail requests a live token can serve.
 */
export class TokenCache {
  private current: AccessToken | undefined;
  private refreshAt = 0;
  private pending: Promise<AccessToken> | undefined;

  constructor(
    private readonly fetchToken: () => Promise<AccessToken>,
    private readonly now: () => number,
  ) {}

  async token(): Promise<string> {
    if (this.current && this.now() < this.refreshAt) return this.current.token;
    this.pending ??= this.refresh();
    try {
      return (await this.pending).token;
    } catch (error) {
      if (this.current && this.now() < this.current.expiresAt) return this.current.token;
      throw error;
    }
  }

  private async refresh(): Promise<AccessToken> {
    try {
      const fetched = await this.fetchToken();
      const issuedAt = this.now();
      const margin = Math.min(REFRESH_MARGIN_MS, (fetched.expiresAt - issuedAt) / 10);
      this.current = fetched;
      this.refreshAt = fetched.expiresAt - margin;
      return fetched;
    } finally {
      this.pending = undefined;
    }
  }
}
