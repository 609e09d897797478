import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { ADMIN_TOKEN, GatewayHarness } from '../support/gateway-harness.js';
import { requestRecord } from '../support/request-records.js';

/** `amg requests list` pages the log in the order the Admin UI sorts it, through the same admin API. */
describe('amg requests list', () => {
  let harness: GatewayHarness;
  const latencies = [300, 100, 500, 200, 400];

  beforeAll(async () => {
    harness = await GatewayHarness.start({ config: { providers: [], models: [] } });
    await harness.gateway.store.insertRequests(
      latencies.map((latencyMs, i) => requestRecord({ id: `req_cli_${i}`, latencyMs, time: Date.now() - 1000 })),
    );
  });
  afterAll(() => harness?.close());

  const list = (...args: string[]) =>
    runCli(['requests', 'list', '--json', '--url', harness.adminUrl, ...args], {
      cwd: harness.dir,
      env: { AMG_ADMIN_TOKEN: ADMIN_TOKEN },
    });
  const latencyOf = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { latencyMs: number }).latencyMs);

  it('lists the slowest first, says where the page is, and prints the cursor of the next', async () => {
    const first = await list('--sort', 'latency', '-n', '2');
    expect(first.code).toBe(0);
    expect(latencyOf(first.stdout)).toEqual([500, 400]);
    const cursor = /--cursor (\S+)/.exec(first.stderr)?.[1] ?? '';
    expect(first.stderr).toContain('1–2 of 5; next page: --cursor ');
    const second = await list('--sort', 'latency', '-n', '2', '--cursor', cursor);
    expect(latencyOf(second.stdout)).toEqual([300, 200]);
    expect(second.stderr).toContain('2 more of 5');
    const fastest = await list('--sort', 'latency', '--order', 'asc', '-n', '1');
    expect(latencyOf(fastest.stdout)).toEqual([100]);
  });

  it('refuses an order it does not know, naming the parameter', async () => {
    const wrong = await list('--sort', 'size');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('sort must be time, latency, cost or tokens');
  });
});
