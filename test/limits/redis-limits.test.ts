import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirectLog } from '../../src/server/log.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { ServeProcess } from '../support/cli-process.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) {
  console.warn('\n*** SKIPPING the Redis limit tests: set REDIS_URL (e.g. redis://127.0.0.1:6379) to run them ***\n');
}

/** A client name no earlier run used: its counters in the shared Redis start at zero. */
const freshName = (base: string) => `${base}-${randomBytes(4).toString('hex')}`;

/**
 * Waits out the end of the current minute when fewer than `needMs` are left, so a burst of requests falls in one
 * window; the tests that call it allow for that wait (up to `needMs`) in their timeouts.
 */
async function clearOfMinuteEnd(needMs: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ask = (client: OpenAI) =>
  client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).then(
    () => 200,
    (error: { status?: number }) => error.status ?? 0,
  );

describe.skipIf(!REDIS_URL)('limits shared through Redis', () => {
  let upstream: FakeOpenAI;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
  });
  afterAll(() => upstream?.close());

  it('makes two gateway processes enforce one RPM limit between them', async () => {
    const name = freshName('shared');
    const token = `amg_${name}_token_0123456789`;
    const dirs = await Promise.all([0, 1].map(() => mkdtemp(join(tmpdir(), 'amg-redis-'))));
    const config = `storage: sqlite:./gateway.db
redis: ${REDIS_URL}
clients: [{ name: ${name}, token: ${token}, rpm: 5 }]
providers:
  - { name: primary, type: openai, base_url: "${upstream.baseUrl}", api_key: sk-upstream-secret-key, allow_private_network: true }
models:
  - { name: gpt-4o-mini, targets: [{ provider: primary, model: gpt-4o-mini }] }
`;
    const serves: ServeProcess[] = [];
    try {
      for (const dir of dirs) {
        await writeFile(join(dir, 'gateway.yaml'), config);
        serves.push(
          await ServeProcess.start(['--config', 'gateway.yaml'], { cwd: dir, env: { AMG_CONFIG: undefined } }),
        );
      }
      const clients = serves.map((s) => new OpenAI({ apiKey: token, baseURL: `${s.url}/v1`, maxRetries: 0 }));
      await clearOfMinuteEnd(10_000);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push(await ask(clients[i % 2] as OpenAI));
      // Five in the minute, whichever process they reached: not five per process.
      expect(statuses.filter((s) => s === 200)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(7);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    } finally {
      await Promise.all(serves.map((s) => s.stop()));
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    }
  }, 30_000);

  it('keeps one RPM limit between two busy gateways that admit from leases, and reaches it exactly', async () => {
    const name = freshName('leases');
    const token = `amg_${name}_token_0123456789`;
    const config = {
      redis: REDIS_URL,
      providers: [fakeProvider('primary', upstream.baseUrl)],
      models: [{ name: 'gpt-4o-mini', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
      clients: [{ name, token, rpm: 400 }],
    };
    const lines: string[] = [];
    const undo = redirectLog({ write: (line: string) => lines.push(line) });
    const harnesses = await Promise.all([GatewayHarness.start({ config }), GatewayHarness.start({ config })]);
    try {
      const clients = harnesses.map((h) => h.openai(token, { maxRetries: 0 }));
      const statuses: number[] = [];
      const burst = (client: OpenAI, count: number) =>
        Promise.all(
          Array.from({ length: 16 }, async () => {
            for (let i = 0; i < count / 16; i++) statuses.push(await ask(client));
          }),
        );
      await clearOfMinuteEnd(40_000);
      // Twice the limit between them, busy enough for both to lease.
      await Promise.all(clients.map((client) => burst(client, 400)));
      // Had a script call timed out (a very busy machine), both would have counted in-process for a while.
      expect(lines.filter((line) => line.includes('redis unreachable'))).toEqual([]);
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(400);
      expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
      // Idle leases go back within a tick or two; then the rest of the limit is there, and not one more.
      await new Promise((resolve) => setTimeout(resolve, 800));
      await Promise.all(clients.map((client) => burst(client, 32)));
      expect(statuses.filter((s) => s === 200)).toHaveLength(400);
    } finally {
      undo();
      await Promise.all(harnesses.map((h) => h.close()));
    }
  }, 75_000);

  it('falls back to per-process limits while Redis is unreachable, says so, and recovers by itself', async () => {
    const proxy = await TcpProxy.start(REDIS_URL as string);
    const name = freshName('fallback');
    const token = `amg_${name}_token_0123456789`;
    const lines: string[] = [];
    const undo = redirectLog({ write: (line: string) => lines.push(line) });
    // The recovery is an info line; in-process gateways log at warn in tests unless one asks.
    const level = process.env.AMG_LOG_LEVEL;
    process.env.AMG_LOG_LEVEL = 'info';
    const harness = await GatewayHarness.start({
      config: {
        redis: proxy.url,
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [{ name: 'gpt-4o-mini', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
        clients: [{ name, token, rpm: 1000 }],
      },
    });
    const status = async () => (await harness.admin('GET', '/status')).body.limits;
    try {
      const client = harness.openai(token);
      await until(async () => (await status()).state === 'ok');
      expect(await status()).toMatchObject({ backend: 'redis', state: 'ok' });
      await clearOfMinuteEnd(15_000);
      expect(await ask(client)).toBe(200);
      const redisCount = async () => {
        const probe = new (await import('ioredis')).Redis(REDIS_URL as string);
        try {
          const keys = await probe.keys(`amg:lim:config:${name}:rpm:*`);
          return keys.length === 0 ? 0 : Number(await probe.get(keys[0] as string));
        } finally {
          probe.disconnect();
        }
      };
      expect(await redisCount()).toBe(1);

      await proxy.cut();
      // Requests go on being served, counted in this process, as soon as the loss is noticed.
      for (let i = 0; i < 3; i++) expect(await ask(client)).toBe(200);
      await until(async () => (await status()).state === 'degraded');
      expect((await status()).detail).toMatch(/redis unreachable/);
      expect(lines.some((l) => l.includes('redis unreachable'))).toBe(true);
      expect(await redisCount()).toBe(1);

      await proxy.restore();
      await until(async () => (await status()).state === 'ok', 15_000);
      expect(lines.some((l) => l.includes('redis reachable again'))).toBe(true);
      expect(await ask(client)).toBe(200);
      expect(await redisCount()).toBe(2);
    } finally {
      undo();
      process.env.AMG_LOG_LEVEL = level;
      await harness.close();
      await proxy.cut();
    }
  }, 45_000);

  it('keeps a spent budget spent when Redis comes back empty (restarted without its data)', async () => {
    const proxy = await TcpProxy.start(REDIS_URL as string);
    const name = freshName('restart');
    const token = `amg_${name}_token_0123456789`;
    const harness = await GatewayHarness.start({
      config: {
        redis: proxy.url,
        providers: [
          // $100 per million tokens: the fake's 12 + 6 tokens cost $0.0018.
          { ...fakeProvider('primary', upstream.baseUrl), pricing: { 'gpt-4o-mini': { input: 100, output: 100 } } },
        ],
        models: [{ name: 'gpt-4o-mini', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
        clients: [{ name, token, budgets: { day: 0.01 } }],
      },
    });
    const status = async () => (await harness.admin('GET', '/status')).body.limits;
    const client = harness.openai(token);
    const spend = () =>
      client.chat.completions
        .create({ model: 'gpt-4o-mini', max_tokens: 6, messages: [{ role: 'user', content: 'hi' }] })
        .then(
          () => 200,
          (error: { status?: number }) => error.status ?? 0,
        );
    const probe = new (await import('ioredis')).Redis(REDIS_URL as string);
    try {
      await until(async () => (await status()).state === 'ok');
      // Spend until the budget no longer fits a request's estimate.
      let admitted = 0;
      while ((await spend()) === 200) admitted++;
      expect(admitted).toBeGreaterThan(0);
      await harness.records(admitted + 1);

      // A restart of Redis without persistence: the connection drops and the counters are gone when it is back.
      await proxy.cut();
      const keys = await probe.keys(`amg:lim:config:${name}:*`);
      expect(keys.length).toBeGreaterThan(0);
      await probe.del(...keys);
      await proxy.restore();
      await until(async () => (await status()).state === 'ok', 15_000);

      // The spend is the request log's, not Redis's: still refused, and the counter holds the spend again.
      expect(await spend()).toBe(429);
      const [budgetKey] = await probe.keys(`amg:lim:config:${name}:usd:day:*`);
      expect(Number(await probe.get(budgetKey as string))).toBe(admitted * 1800);
    } finally {
      probe.disconnect();
      await harness.close();
      await proxy.cut();
    }
  }, 45_000);

  it('loads a budget spend afresh at each outage, counting what was spent through Redis in between', async () => {
    const proxy = await TcpProxy.start(REDIS_URL as string);
    const name = freshName('outages');
    const token = `amg_${name}_token_0123456789`;
    const harness = await GatewayHarness.start({
      config: {
        redis: proxy.url,
        providers: [
          // $100 per million tokens: the fake's 12 + 6 tokens cost $0.0018.
          { ...fakeProvider('primary', upstream.baseUrl), pricing: { 'gpt-4o-mini': { input: 100, output: 100 } } },
        ],
        models: [{ name: 'gpt-4o-mini', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
        clients: [{ name, token, budgets: { day: 0.01 } }],
      },
    });
    const status = async () => (await harness.admin('GET', '/status')).body.limits;
    const client = harness.openai(token);
    const spend = () =>
      client.chat.completions
        .create({ model: 'gpt-4o-mini', max_tokens: 6, messages: [{ role: 'user', content: 'hi' }] })
        .then(
          () => 200,
          (error: { status?: number }) => error.status ?? 0,
        );
    try {
      await until(async () => (await status()).state === 'ok');
      expect(await spend()).toBe(200);
      await harness.records(1);

      // First outage: this process counts the budget in memory, from the spend in the request log.
      await proxy.cut();
      await until(async () => (await status()).state === 'degraded');
      expect(await spend()).toBe(200);
      await harness.records(2);

      // Back on Redis, the rest of the budget is spent there.
      await proxy.restore();
      await until(async () => (await status()).state === 'ok', 15_000);
      let admitted = 2;
      while ((await spend()) === 200) admitted++;
      expect(admitted).toBeGreaterThan(2);
      await harness.records(admitted + 1);

      // Second outage: the in-memory count of the first one is stale; the request log says the budget is spent.
      await proxy.cut();
      await until(async () => (await status()).state === 'degraded');
      expect(await spend()).toBe(429);
    } finally {
      await harness.close();
      await proxy.cut();
    }
  }, 60_000);
});
