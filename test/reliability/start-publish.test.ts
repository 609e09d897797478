import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Gateway } from '../../src/server/gateway.js';
import { ADMIN_TOKEN, GatewayHarness } from '../support/gateway-harness.js';

/**
 * A start publishes the config file only once it is serving: a second `amg serve` that cannot bind its port
 * must not store the edited file as the active revision behind the running gateway's back.
 */
describe('a start that fails', () => {
  let harness: GatewayHarness;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ config: { models: [] } });
  });
  afterAll(() => harness.close());

  it('publishes nothing when its port is taken', async () => {
    const before = await harness.gateway.store.activeRevisionNumber();
    const edited = stringify({
      storage: `sqlite:${harness.dir}/gateway.db`,
      providers: [{ name: 'p', type: 'openai', base_url: 'https://api.example.com/v1', api_key: 'sk-x' }],
      models: [{ name: 'edited', targets: [{ provider: 'p', model: 'm' }] }],
    });
    await writeFile(harness.configPath, edited);
    const taken = harness.url.replace('http://', '');
    await expect(
      Gateway.start({
        configPath: harness.configPath,
        env: { ...process.env, AMG_ADMIN_TOKEN: ADMIN_TOKEN },
        listen: taken,
      }),
    ).rejects.toThrow(/EADDRINUSE/);
    expect(await harness.gateway.store.activeRevisionNumber()).toBe(before);
    expect(await harness.gateway.store.latestRevision()).toMatchObject({ number: before });
    expect([...harness.gateway.snapshot.models.keys()]).toEqual([]);
  });
});
