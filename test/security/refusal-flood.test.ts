import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/**
 * Every 401 and 404 once wrote a telemetry row holding the full path, twice: 5,000 requests with 15 KiB paths
 * added 211 MiB. Refusals of requests without a token are now sampled per address and overall, and what a
 * row keeps of client text is capped.
 */
describe('a flood of long unauthenticated requests', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('oai', upstream.baseUrl, upstream.apiKey)],
        models: [{ name: 'chat', targets: [{ provider: 'oai', model: 'gpt-4o-mini' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  async function databaseBytes(): Promise<number> {
    await harness.gateway.telemetry.flush();
    let total = 0;
    for (const file of await readdir(harness.dir)) {
      if (file.startsWith('gateway.db')) total += (await stat(join(harness.dir, file))).size;
    }
    return total;
  }

  it('grows the database by a bounded amount and still records some of it', async () => {
    await harness.records(0);
    const before = await databaseBytes();
    const long = 'x'.repeat(15 * 1024);
    const requests = 1_000;
    for (let i = 0; i < requests; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          fetch(`${harness.url}/v1/${(i + j) % 2 ? 'chat/completions' : 'nowhere'}/${long}`, {
            method: 'POST',
            body: '{}',
          }).then((response) => response.arrayBuffer()),
        ),
      );
    }
    const grown = (await databaseBytes()) - before;
    const rows = await harness.records(1);
    console.log(
      `${requests} requests with 15 KiB paths: database grew ${(grown / 1024).toFixed(0)} KiB, ${rows.length} rows`,
    );
    // Unbounded, this was ~30 KiB per request: ~30 MiB here.
    expect(grown).toBeLessThan(2 * 1024 * 1024);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(30);
    expect(Math.max(...rows.map((row) => row.path.length))).toBeLessThanOrEqual(257);
  }, 60_000);
});
