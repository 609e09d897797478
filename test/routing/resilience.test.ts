import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { textUntilStreamError } from '../support/reliability-harness.js';

const chat = (harness: GatewayHarness, model: string, stream = false) =>
  harness
    .openai()
    .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream } as never) as Promise<any>;

describe('retries, cooldowns and timeouts', () => {
  let primary: FakeOpenAI;
  let backup: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    primary = await FakeOpenAI.start({ name: 'primary' });
    backup = await FakeOpenAI.start({ name: 'backup' });
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', primary.baseUrl), fakeProvider('backup', backup.baseUrl)],
        routing: {
          timeout: { connect_ms: 1000, first_byte_ms: 300, idle_stream_ms: 300, total_ms: 1500 },
          retries: { max_attempts: 3, backoff_ms: 50, max_backoff_ms: 200, respect_retry_after: true, budget_ms: 2000 },
          cooldown: { failures: 4, window_s: 30, cooldown_s: 30 },
        },
        models: [
          { name: 'retry-after', targets: [{ provider: 'primary', model: 'ra' }] },
          { name: 'budget', targets: [{ provider: 'primary', model: 'budget' }] },
          {
            name: 'breaker',
            targets: [
              { provider: 'primary', model: 'breaker' },
              { provider: 'backup', model: 'breaker' },
            ],
          },
          {
            name: 'hang',
            targets: [
              { provider: 'primary', model: 'hang' },
              { provider: 'backup', model: 'hang' },
            ],
          },
          { name: 'stall', targets: [{ provider: 'primary', model: 'stall' }] },
          { name: 'slow-stream', targets: [{ provider: 'primary', model: 'slow-stream' }] },
          {
            name: 'all-down',
            targets: [
              { provider: 'primary', model: 'down' },
              { provider: 'backup', model: 'down' },
            ],
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await primary.close();
    await backup.close();
  });
  afterEach(() => {
    primary.setDefault({ kind: 'reply' });
    backup.setDefault({ kind: 'reply' });
  });

  it('waits for retry-after and retries the only target, reporting the route as retry', async () => {
    primary.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const { response } = await harness
      .openai()
      .chat.completions.create({ model: 'retry-after', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(response.headers.get('x-gateway-route')).toBe('retry');
    expect(response.headers.get('x-gateway-attempts')).toBe('2');
  });

  it('backs off between retries and stops after max_attempts', async () => {
    primary.setDefault({ kind: 'error', status: 503 });
    const before = primary.requests.length;
    const error = await chat(harness, 'budget').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503 });
    expect(primary.requests.length - before).toBe(3);
    const [record] = await harness.records();
    expect(record?.attempts.map((a) => a.status)).toEqual([503, 503, 503]);
  });

  it('opens the breaker after repeated failures, skips the cooling target, and says so', async () => {
    primary.setDefault({ kind: 'error', status: 500 });
    for (let i = 0; i < 4; i++) await chat(harness, 'breaker');
    const before = primary.requests.length;
    const { response } = await harness
      .openai()
      .chat.completions.create({ model: 'breaker', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(primary.requests.length).toBe(before);
    expect(response.headers.get('x-gateway-provider')).toBe('backup');
    expect(response.headers.get('x-gateway-route')).toBe('fallback');

    const status = await harness.admin('GET', '/providers');
    const target = status.body.data
      .find((p: any) => p.name === 'primary')
      .targets.find((t: any) => t.model === 'breaker');
    expect(target).toMatchObject({ state: 'cooling', reason: expect.stringContaining('500 server_error') });
    expect(Date.parse(target.cooling_until)).toBeGreaterThan(Date.now() + 25_000);
  });

  it('falls back when an upstream never sends its first byte (first_byte_ms)', async () => {
    primary.enqueue({ kind: 'hang' });
    const started = Date.now();
    const completion = await chat(harness, 'hang');
    expect(completion.choices[0].message.content).toBe('Hello from backup');
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    const [record] = await harness.records();
    expect(record?.attempts[0]).toMatchObject({ errorClass: 'timeout', error: 'timed out waiting for the first byte' });
  });

  it('ends a stream that stalls mid-way (idle_stream_ms) with an error event', async () => {
    primary.enqueue({ kind: 'stall', after: 3 });
    const stream = await chat(harness, 'stall', true);
    await expect(
      (async () => {
        for await (const _ of stream) {
          // keep reading until the gateway ends the stream
        }
      })(),
    ).rejects.toThrow(/stream stalled \(idle timeout\)/);
  });

  it('ends a stream that runs past total_ms with an error event', async () => {
    primary.enqueue({ kind: 'reply', text: 'x'.repeat(100), chunkSize: 1, chunkDelayMs: 50 });
    const stream = await chat(harness, 'slow-stream', true);
    const { received, error } = await textUntilStreamError(stream);
    expect(error.message).toMatch(/exceeded the gateway's total time limit/);
    expect(received.length).toBeGreaterThan(5);
    expect(received.length).toBeLessThan(100);
  });

  /** The newest record for `model`, once it is in the store. */
  const newestRecord = (model: string, after: number) =>
    harness.recordWhere((r) => r.requestedModel === model && r.time >= after);

  /** Asks for `model` and hangs up 100 ms later, whatever the gateway is doing by then. */
  const askAndHangUp = async (model: string) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await harness
      .openai()
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }, { signal: controller.signal })
      .catch(() => undefined);
  };

  it('keeps the attempts of a request whose client hung up while it waited for the upstream', async () => {
    primary.enqueue({ kind: 'hang' });
    const started = Date.now();
    await askAndHangUp('hang');
    const record = await newestRecord('hang', started);
    // The upstream had the request (and bills it): recorded as its, at an estimate (docs/operations.md).
    expect(record).toMatchObject({
      status: 499,
      errorCode: 'GW_ERR_CLIENT_CLOSED',
      provider: 'primary',
      usageEstimated: true,
    });
    expect(record?.attempts).toEqual([expect.objectContaining({ provider: 'primary', errorClass: 'cancelled' })]);
  });

  it('stops waiting out a retry-after as soon as the client is gone', async () => {
    primary.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '1' } });
    const before = primary.requests.length;
    const started = Date.now();
    await askAndHangUp('retry-after');
    const record = await newestRecord('retry-after', started);
    expect(Date.now() - started).toBeLessThan(700);
    expect(record).toMatchObject({ status: 499, errorCode: 'GW_ERR_CLIENT_CLOSED' });
    expect(record?.attempts).toEqual([expect.objectContaining({ status: 429, errorClass: 'rate_limit' })]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(primary.requests.length - before).toBe(1);
  });

  it('lists every target it tried when all are down', async () => {
    primary.setDefault({ kind: 'error', status: 502 });
    backup.setDefault({ kind: 'error', status: 503 });
    const error = await chat(harness, 'all-down').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503 });
    expect((error as Error).message).toMatch(
      /all 2 targets failed: primary 502 \(server_error.*\), backup 503 ×3 \(server_error/,
    );
  });

  it('still tries the target that recovers soonest when every target is cooling', async () => {
    primary.setDefault({ kind: 'error', status: 502 });
    backup.setDefault({ kind: 'error', status: 503 });
    for (let i = 0; i < 4; i++) await chat(harness, 'all-down').catch(() => undefined);
    primary.setDefault({ kind: 'reply' });
    backup.setDefault({ kind: 'reply' });
    const completion = await chat(harness, 'all-down');
    expect(completion.choices[0].message.content).toMatch(/Hello from (primary|backup)/);
  });
});

describe('active health checks', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('checked', upstream.baseUrl)],
        routing: {
          health_checks: { enabled: true, interval_s: 0.1, timeout_ms: 500 },
          cooldown: { failures: 1, window_s: 30, cooldown_s: 0.2 },
        },
        models: [{ name: 'm', targets: [{ provider: 'checked', model: 'm' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  const state = async () => {
    const { body } = await harness.admin('GET', '/providers');
    return body.data[0].targets[0];
  };

  it('probes the provider with its key and flips the target cooling, then healthy again', async () => {
    await expect.poll(async () => (await state()).health_check?.ok, { timeout: 3_000 }).toBe(true);
    const probe = upstream.requestsTo('/v1/models')[0];
    expect(probe?.headers.authorization).toBe('Bearer sk-upstream-secret-key');

    // Take the provider down: probes now fail to connect.
    await upstream.close();
    await expect.poll(async () => (await state()).state, { timeout: 3_000 }).toBe('cooling');
    expect((await state()).health_check.ok).toBe(false);

    await upstream.server.listen(upstream.server.port);
    await expect.poll(async () => (await state()).state, { timeout: 5_000 }).toBe('healthy');
  });
});
