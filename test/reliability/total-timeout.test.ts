import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countsAsFailure } from '../../src/config/guard/failure-class.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { rejectionOf, textUntilStreamError, withOneUpstream } from '../support/reliability-harness.js';

/**
 * The operator's own total time limit (`routing.timeout.total_ms`) is one timeout class whether the answer was
 * streamed or not: recorded as GW_ERR_UPSTREAM_TOTAL_TIMEOUT (a change that makes it fire more often is seen
 * by a publish guard), and never held against the target, which was still answering: a stalled target is
 * caught by first_byte_ms / idle_stream_ms, which do count. A streamed client still reads its dialect's error.
 */
describe('answers cut by total_ms', () => {
  const setup = withOneUpstream({
    routing: {
      timeout: { connect_ms: 1_000, first_byte_ms: 10_000, idle_stream_ms: 2_000, total_ms: 1_500 },
      retries: { max_attempts: 1 },
      // One failure that counts against the target cools it: the test sees any that would.
      cooldown: { failures: 1, window_s: 60, cooldown_s: 60 },
    },
    models: [{ name: 'slow', targets: [{ provider: 'primary', model: 'slow' }] }],
  });
  /** Tokens keep arriving every 50 ms for 5 s, well past the 1.5 s limit and never idle long. */
  const slowStream = { kind: 'reply', text: 'x'.repeat(100), chunkSize: 1, chunkDelayMs: 50 } as const;

  const targetState = async (): Promise<string> => {
    const { body } = await setup.harness.admin('GET', '/providers');
    return body.data[0].targets[0].state;
  };

  const expectTotalTimeout = async (after: number, status: number) => {
    const record = await setup.harness.recordWhere((r) => r.time >= after && r.requestedModel === 'slow');
    expect(record).toMatchObject({ status, errorCode: 'GW_ERR_UPSTREAM_TOTAL_TIMEOUT' });
    expect(record.errorMessage).toMatch(/total_ms = 1500 ms/);
    // A stream cut midway says how far it got; an answer that never started has nothing to say.
    if (status === 200) expect(record.errorMessage).toMatch(/ \(cut after [1-9]\d* bytes of the response\)$/);
    else expect(record.errorMessage).not.toMatch(/cut after/);
    expect(record.attempts.at(-1)).toMatchObject({ errorClass: 'cancelled' });
    // The guard judges the config, total_ms included: a cut counts there, streamed or not.
    expect(countsAsFailure(record)).toBe(true);
    // The target was answering all along: its breaker does not open.
    expect(await targetState()).toBe('healthy');
  };

  it('records a non-streamed answer cut by total_ms as the total timeout, not against the target', async () => {
    setup.upstream.enqueue({ kind: 'reply', delayMs: 4_000 });
    const started = Date.now();
    const failure = await rejectionOf(
      setup.harness.openai().chat.completions.create({ model: 'slow', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(failure?.status).toBe(504);
    await expectTotalTimeout(started, 504);
  });

  it('records an OpenAI stream cut by total_ms the same way, after its error event', async () => {
    setup.upstream.enqueue(slowStream);
    const started = Date.now();
    const stream = await setup.harness
      .openai()
      .chat.completions.create({ model: 'slow', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const { received, error } = await textUntilStreamError(stream);
    expect(error.message).toMatch(/exceeded the gateway's total time limit/);
    expect(received.length).toBeGreaterThan(5);
    expect(received.length).toBeLessThan(100);
    await expectTotalTimeout(started, 200);
  });

  it('records an Anthropic stream (translated) cut by total_ms the same way, after its error event', async () => {
    setup.upstream.enqueue(slowStream);
    const started = Date.now();
    const stream = setup.harness.anthropic().messages.stream({
      model: 'slow',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    let received = '';
    stream.on('text', (text) => {
      received += text;
    });
    await expect(stream.finalMessage()).rejects.toThrow(/exceeded the gateway's total time limit/);
    expect(received.length).toBeGreaterThan(5);
    await expectTotalTimeout(started, 200);
  });
});

/**
 * A non-streamed answer over the 1 MiB the gateway holds before relaying, cut by total_ms after its relay began:
 * the client already had a 200 head, so the record keeps that status (the one the client saw) with the total
 * timeout's code, as a cut stream's does; the client reads a broken body, never a short one as whole.
 */
describe('a large non-streamed answer cut by total_ms after its relay began', () => {
  let upstream: Server;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(`{"id":"c1","object":"chat.completion","pad":"${'x'.repeat(2 * 1024 * 1024)}`);
        // Still arriving, never idle: only the total limit ends it.
        const more = setInterval(() => res.write('x'), 100);
        res.on('close', () => clearInterval(more));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`)],
        routing: {
          timeout: { connect_ms: 1_000, first_byte_ms: 10_000, idle_stream_ms: 2_000, total_ms: 1_500 },
          retries: { max_attempts: 1 },
          cooldown: { failures: 1, window_s: 60, cooldown_s: 60 },
        },
        models: [{ name: 'big', targets: [{ provider: 'primary', model: 'big' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('records the 200 the client saw, with the total timeout code, not against the target', async () => {
    const started = Date.now();
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'big', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    const record = await harness.recordWhere((r) => r.time >= started && r.requestedModel === 'big');
    expect(record).toMatchObject({ status: 200, errorCode: 'GW_ERR_UPSTREAM_TOTAL_TIMEOUT' });
    expect(record.errorMessage).toMatch(/total_ms = 1500 ms/);
    expect(record.attempts.at(-1)).toMatchObject({ errorClass: 'cancelled' });
    expect(countsAsFailure(record)).toBe(true);
    const { body } = await harness.admin('GET', '/providers');
    expect(body.data[0].targets[0].state).toBe('healthy');
  });
});
