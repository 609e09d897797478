import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirectLog } from '../../src/server/log.js';
import { CLIENT_TOKEN, GatewayHarness } from '../support/gateway-harness.js';

/**
 * `data/` moved away and back under a running gateway (a mistaken `mv`, undone): the path names the opened file
 * again, /readyz clears, and the log that said the file was missing says, once, that it is back.
 */
describe('the store moved away and restored while the gateway runs', () => {
  let harness: GatewayHarness;
  let dataDir: string;
  const logged: string[] = [];
  let restoreLog: () => void;

  beforeAll(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'amg-restored-')), 'data');
    harness = await GatewayHarness.start({
      config: {
        storage: `sqlite:${join(dataDir, 'gateway.db')}`,
        clients: [{ name: 'test-client', token: CLIENT_TOKEN }],
        providers: [],
        models: [],
      },
    });
    restoreLog = redirectLog({ write: (line: string) => logged.push(line) });
  });
  afterAll(async () => {
    restoreLog();
    await harness.close();
    await rm(join(dataDir, '..'), { recursive: true, force: true });
  });

  const readyz = async () => (await fetch(`${harness.url}/readyz`)).json() as Promise<Record<string, unknown>>;
  const backLines = () => logged.filter((line) => line.includes('STORE FILE BACK'));

  it('logs the recovery once, at the alert’s level, and /readyz clears', async () => {
    await rename(dataDir, `${dataDir}.moved`);
    expect(await harness.gateway.storeWatch.check()).toMatch(/was deleted while the gateway runs/);
    expect((await readyz()).warnings).toHaveLength(1);
    expect(backLines()).toEqual([]);

    await rename(`${dataDir}.moved`, dataDir);
    expect(await harness.gateway.storeWatch.check()).toBeUndefined();
    expect(await readyz()).toEqual({ status: 'ready' });
    expect(await harness.gateway.storeWatch.check()).toBeUndefined();
    expect(backLines()).toHaveLength(1);
    expect(backLines()[0]).toContain('"level":"warn"');
    expect(backLines()[0]).toContain(join(dataDir, 'gateway.db'));
  });
});
