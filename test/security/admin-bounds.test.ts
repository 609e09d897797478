import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHarness } from '../support/gateway-harness.js';

describe('client key expiry from the admin API', () => {
  let harness: GatewayHarness;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ config: {} });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('refuses an expiry no date can hold before writing anything, and keys stay listable', async () => {
    for (const days of [1e10, 1e308, -1, 0]) {
      const created = await harness.admin('POST', '/keys', { name: `k-${days}`, expires_in_days: days });
      expect(created.status, String(days)).toBe(400);
    }
    const listed = await harness.admin('GET', '/keys');
    expect(listed.status).toBe(200);
    expect(listed.body.data.filter((key: { name: string }) => key.name.startsWith('k-'))).toEqual([]);
    const fine = await harness.admin('POST', '/keys', { name: 'k-fine', expires_in_days: 30 });
    expect(fine.status).toBe(201);
    expect((await harness.admin('DELETE', '/keys/k-fine')).status).toBe(200);
  });
});
