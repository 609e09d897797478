import { afterEach, describe, expect, it } from 'vitest';
import { LimitBackends, openRedisBackend } from './limit-backends.js';

const REDIS_URL = process.env.REDIS_URL;

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.skipIf(!REDIS_URL)('LimitBackends', () => {
  const backends = new LimitBackends();
  afterEach(() => backends.close());

  it('says why Redis is unreachable when it refuses the credentials, without showing them', async () => {
    const url = new URL(REDIS_URL ?? '');
    // A user that does not exist: Redis answers WRONGPASS whether or not it requires a password.
    url.username = 'amg-no-such-user';
    url.password = 'not-the-password';
    await backends.useShared(await openRedisBackend(url.toString()));
    await until(() => /WRONGPASS/.test(backends.status().detail ?? ''));
    const status = backends.status();
    expect(status).toMatchObject({ backend: 'redis', state: 'degraded' });
    expect(JSON.stringify(status)).not.toContain('not-the-password');
    expect(backends.current()).toBe(backends.local);
  });
});
