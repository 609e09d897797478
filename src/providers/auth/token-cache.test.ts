import { describe, expect, it } from 'vitest';
import { CancelSignal } from '../../upstream/cancel-signal.js';
import { type AccessToken, TokenCache, TokenWaitTimeoutError } from './token-cache.js';

function cacheWith(lifetimeMs: number) {
  let now = 1_000_000;
  let fetched = 0;
  let fail = false;
  const cache = new TokenCache(
    async (): Promise<AccessToken> => {
      if (fail) throw new Error('token endpoint down');
      fetched++;
      return { token: `t${fetched}`, expiresAt: now + lifetimeMs };
    },
    () => now,
  );
  return {
    cache,
    advance: (ms: number) => {
      now += ms;
    },
    fetched: () => fetched,
    failNext: (value: boolean) => {
      fail = value;
    },
  };
}

/** Lets a background refresh (a few promise steps) finish. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('TokenCache', () => {
  it('fetches once for concurrent requests and reuses the token while it is fresh', async () => {
    const { cache, fetched, advance } = cacheWith(3_600_000);
    expect(await Promise.all([cache.token(), cache.token(), cache.token()])).toEqual(['t1', 't1', 't1']);
    advance(30 * 60_000);
    expect(await cache.token()).toBe('t1');
    expect(fetched()).toBe(1);
  });

  it('refreshes five minutes before an hour-long token expires, behind the current token', async () => {
    const { cache, advance, fetched } = cacheWith(3_600_000);
    await cache.token();
    advance(3_600_000 - 5 * 60_000 - 1);
    expect(await cache.token()).toBe('t1');
    expect(fetched()).toBe(1);
    advance(2);
    // The refresh starts, and this request goes out with the still-valid token instead of waiting for it.
    expect(await cache.token()).toBe('t1');
    await settled();
    expect(fetched()).toBe(2);
    expect(await cache.token()).toBe('t2');
  });

  it('does not hold a request inside the refresh margin while the token endpoint is slow', async () => {
    let release: (token: AccessToken) => void = () => undefined;
    let now = 0;
    let calls = 0;
    const cache = new TokenCache(
      () => {
        calls++;
        if (calls === 1) return Promise.resolve({ token: 'first', expiresAt: 3_600_000 });
        return new Promise<AccessToken>((resolve) => {
          release = resolve;
        });
      },
      () => now,
    );
    await cache.token();
    now = 3_600_000 - 60_000;
    expect(await cache.token()).toBe('first');
    expect(await cache.token()).toBe('first');
    expect(calls).toBe(2);
    release({ token: 'second', expiresAt: now + 3_600_000 });
    await settled();
    expect(await cache.token()).toBe('second');
  });

  it('waits for the refresh when the current token has under 30 s left', async () => {
    const { cache, advance, fetched } = cacheWith(3_600_000);
    await cache.token();
    advance(3_600_000 - 20_000);
    expect(await cache.token()).toBe('t2');
    expect(fetched()).toBe(2);
  });

  it('refreshes a short-lived token at 90% of its life', async () => {
    const { cache, advance } = cacheWith(60_000);
    await cache.token();
    advance(53_000);
    expect(await cache.token()).toBe('t1');
    advance(1_000);
    // 6 s of life left, under the 30 s a request is sent with: it waits for the new token.
    expect(await cache.token()).toBe('t2');
  });

  it('does not cache a failed fetch: the next request tries again', async () => {
    const { cache, failNext } = cacheWith(60_000);
    failNext(true);
    await expect(cache.token()).rejects.toThrow('token endpoint down');
    failNext(false);
    expect(await cache.token()).toBe('t1');
  });

  it('keeps serving the current token when its early refresh fails, until that token expires', async () => {
    const { cache, advance, failNext } = cacheWith(3_600_000);
    await cache.token();
    // Inside the refresh margin: the token endpoint blips, but t1 is valid for two more minutes.
    advance(3_600_000 - 2 * 60_000);
    failNext(true);
    expect(await cache.token()).toBe('t1');
    await settled();
    expect(await cache.token()).toBe('t1');
    // A later request tries the refresh again rather than waiting for the token to die.
    failNext(false);
    await settled();
    expect(await cache.token()).toBe('t1');
    await settled();
    expect(await cache.token()).toBe('t2');
  });

  it('fails once the current token has expired and its refresh fails', async () => {
    const { cache, advance, failNext } = cacheWith(3_600_000);
    await cache.token();
    advance(3_600_000);
    failNext(true);
    await expect(cache.token()).rejects.toThrow('token endpoint down');
  });

  it('drops a refused token so the next request fetches a fresh one before expiry', async () => {
    const { cache, fetched } = cacheWith(3_600_000);
    expect(await cache.token()).toBe('t1');
    expect(cache.refused('t1')).toBe(true);
    expect(await cache.token()).toBe('t2');
    expect(await cache.token()).toBe('t2');
    expect(fetched()).toBe(2);
  });

  it('takes a refusal of the replacement as final for a minute, then drops it again', async () => {
    const { cache, advance, fetched } = cacheWith(3_600_000);
    await cache.token();
    cache.refused('t1');
    expect(await cache.token()).toBe('t2');
    // Refused again at once: a permission, not a stale token; no retry and no fetch per request.
    expect(cache.refused('t2')).toBe(false);
    expect(await cache.token()).toBe('t2');
    advance(60_000);
    // A minute on, a refusal is a revocation again.
    expect(cache.refused('t2')).toBe(true);
    expect(await cache.token()).toBe('t3');
    expect(fetched()).toBe(3);
  });

  it('asks for one retry, without dropping anything, when the refused token was already replaced', async () => {
    const { cache, fetched } = cacheWith(3_600_000);
    await cache.token();
    cache.refused('t1');
    await cache.token();
    // A request that carried t1 while another replaced it: worth one retry with t2, which stays.
    expect(cache.refused('t1')).toBe(true);
    expect(await cache.token()).toBe('t2');
    expect(fetched()).toBe(2);
  });

  it('fails a request after its refused token was dropped when no fresh one can be fetched', async () => {
    const { cache, failNext } = cacheWith(3_600_000);
    await cache.token();
    cache.refused('t1');
    failNext(true);
    // The dropped token is not served again, though it has not expired.
    await expect(cache.token()).rejects.toThrow('token endpoint down');
    failNext(false);
    expect(await cache.token()).toBe('t2');
    // The token that came late still counts as the replacement of the refused one.
    expect(cache.refused('t2')).toBe(false);
  });

  describe('a token endpoint that stalls', () => {
    /** A cache whose fetches hang until `answer` is called; `started` counts them. */
    function stalledCache() {
      let started = 0;
      let answer: (token: AccessToken) => void = () => undefined;
      const cache = new TokenCache(
        () =>
          new Promise<AccessToken>((resolve) => {
            started++;
            answer = resolve;
          }),
        () => 1_000_000,
      );
      return { cache, started: () => started, answer: (token: AccessToken) => answer(token) };
    }

    it("gives up waiting at the request's limit, while one fetch serves every request that waits or comes later", async () => {
      const { cache, started, answer } = stalledCache();
      const first = cache.token({ timeoutMs: 20 });
      const second = cache.token({ timeoutMs: 20 });
      await expect(first).rejects.toBeInstanceOf(TokenWaitTimeoutError);
      await expect(second).rejects.toThrow('no access token from the token endpoint within 20 ms');
      // A later request joins the fetch still under way rather than starting another one.
      const later = cache.token({ timeoutMs: 1_000 });
      answer({ token: 'late', expiresAt: 2_000_000_000 });
      expect(await later).toBe('late');
      expect(started()).toBe(1);
    });

    it('stops waiting when the request is cancelled (the client hung up)', async () => {
      const { cache, started } = stalledCache();
      const signal = new CancelSignal();
      const waiting = cache.token({ signal, timeoutMs: 60_000 });
      signal.cancel('client-gone');
      await expect(waiting).rejects.toMatchObject({ name: 'AbortError', cancelReason: 'client-gone' });
      // Already cancelled: no wait at all, and no second fetch.
      await expect(cache.token({ signal, timeoutMs: 60_000 })).rejects.toMatchObject({ name: 'AbortError' });
      expect(started()).toBe(1);
    });
  });
});
