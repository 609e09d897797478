import { describe, expect, it } from 'vitest';
import { countsAsFailure } from '../../src/config/guard/failure-class.js';
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
