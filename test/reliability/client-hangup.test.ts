import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countsAsFailure } from '../../src/config/guard/failure-class.js';
import type { RequestRecord } from '../../src/telemetry/request-record.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/**
 * A client that hangs up in the middle of a stream (coding agents cancel all the time) is a client event:
 * recorded as 499 GW_ERR_CLIENT_CLOSED with what was sent, never an upstream failure, never held against the
 * target's breaker or a publish guard.
 */
describe('client hang-ups during a stream', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start({ name: 'primary' });
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', upstream.baseUrl)],
        // One failure would cool the target: a hang-up counted against it would show at once.
        routing: { cooldown: { failures: 1, window_s: 60, cooldown_s: 60 } },
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  const recordFor = (after: number, entryPoint: string): Promise<RequestRecord> =>
    harness.recordWhere((r) => r.time >= after && r.entryPoint === entryPoint);

  const targetState = async () => {
    const { body } = await harness.admin('GET', '/providers');
    return body.data[0].targets[0].state as string;
  };

  it('records an OpenAI client leaving a passthrough stream as 499 GW_ERR_CLIENT_CLOSED with the bytes sent', async () => {
    upstream.enqueue({ kind: 'stall', after: 3 });
    const started = Date.now();
    const controller = new AbortController();
    const stream = await harness
      .openai()
      .chat.completions.create(
        { model: 'chat', messages: [{ role: 'user', content: 'hi' }], stream: true },
        { signal: controller.signal },
      );
    let chunks = 0;
    // The SDK ends the iteration quietly or throws an abort error, depending on where the abort lands.
    await (async () => {
      for await (const _chunk of stream) {
        chunks++;
        if (chunks === 2) controller.abort();
      }
    })().catch(() => undefined);
    expect(chunks).toBeGreaterThanOrEqual(2);
    const record = await recordFor(started, 'chat.completions');
    expect(record).toMatchObject({ status: 499, errorCode: 'GW_ERR_CLIENT_CLOSED', provider: 'primary' });
    expect(record.errorMessage).toMatch(/^client closed the connection after \d+ bytes of the response$/);
    expect(Number(/after (\d+) bytes/.exec(record.errorMessage ?? '')?.[1])).toBeGreaterThan(0);
    expect(countsAsFailure(record)).toBe(false);
    expect(await targetState()).toBe('healthy');
  });

  it('records an Anthropic client leaving a translated stream the same way', async () => {
    upstream.enqueue({ kind: 'stall', after: 3 });
    const started = Date.now();
    const controller = new AbortController();
    const stream = harness
      .anthropic()
      .messages.stream(
        { model: 'chat', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] },
        { signal: controller.signal },
      );
    let events = 0;
    await (async () => {
      for await (const _event of stream) {
        events++;
        if (events === 2) controller.abort();
      }
    })().catch(() => undefined);
    expect(events).toBeGreaterThanOrEqual(2);
    const record = await recordFor(started, 'messages');
    expect(record).toMatchObject({ status: 499, errorCode: 'GW_ERR_CLIENT_CLOSED', provider: 'primary' });
    expect(record.errorMessage).toMatch(/^client closed the connection after \d+ bytes of the response$/);
    expect(countsAsFailure(record)).toBe(false);
    expect(await targetState()).toBe('healthy');
  });

  it('still records a client that leaves before the response started as 499, with no bytes sent', async () => {
    upstream.enqueue({ kind: 'hang' });
    const started = Date.now();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    await harness
      .openai()
      .chat.completions.create(
        { model: 'chat', messages: [{ role: 'user', content: 'hi' }] },
        { signal: controller.signal },
      )
      .catch(() => undefined);
    const record = await recordFor(started, 'chat.completions');
    expect(record).toMatchObject({
      status: 499,
      errorCode: 'GW_ERR_CLIENT_CLOSED',
      errorMessage: 'client closed the connection before the response started',
    });
    expect(await targetState()).toBe('healthy');
  });
});
