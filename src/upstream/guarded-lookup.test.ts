import { describe, expect, it } from 'vitest';
import { guardedLookup } from './guarded-lookup.js';
import { UpstreamPools } from './pools.js';

describe('guardedLookup', () => {
  it('refuses a host name that resolves to a loopback address', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      guardedLookup('localhost', {}, (err) => resolve(err)),
    );
    expect(error?.code).toBe('EGATEWAY_PRIVATE_ADDRESS');
  });

  it('stops an upstream connection to a private address at connect time', async () => {
    const pools = new UpstreamPools();
    const pool = pools.get({
      origin: 'http://localhost:9',
      allowPrivateNetwork: false,
      connections: 1,
      connectTimeoutMs: 1000,
    });
    await expect(pool.request({ path: '/', method: 'GET' })).rejects.toMatchObject({
      code: 'EGATEWAY_PRIVATE_ADDRESS',
    });
    await pools.closeAll();
  });
});
