import { createServer, type Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countsAsFailure } from '../../src/config/guard/failure-class.js';
import type { RequestRecord } from '../../src/telemetry/request-record.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { rejectionOf } from '../support/reliability-harness.js';

/**
 * Upstreams that misbehave in ways no fake models: a non-streamed answer that breaks after more than the
 * relay buffer went out, a 429 whose retry-after is absurd. Each is recorded for what it was.
 */
describe('misbehaving upstreams', () => {
  let upstream: Server;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        const model = (JSON.parse(raw) as { model: string }).model;
        if (model.startsWith('cut-body')) {
          // 2 MiB of a JSON answer (past the 1 MiB the gateway holds before relaying), then a reset.
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write(`{"id":"c1","object":"chat.completion","pad":"${'x'.repeat(2 * 1024 * 1024)}`);
          setTimeout(() => res.socket?.destroy(), 100);
        } else if (model === 'truncated') {
          // A whole HTTP body that is the first half of an answer: the model's words are the user's data.
          const stream = (JSON.parse(raw) as { stream?: boolean }).stream === true;
          res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
          const half = '{"id":"c1","choices":[{"message":{"content":"the private diagnosis is';
          res.end(stream ? `data: ${half}\n\n` : half);
        } else if (model === 'forever-429') {
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '999999999' });
          res.end('{"error":{"message":"slow down","type":"rate_limit_error"}}');
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              id: 'c2',
              object: 'chat.completion',
              created: 1,
              model,
              choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
              usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
            }),
          );
        }
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', baseUrl)],
        routing: { retries: { max_attempts: 1 } },
        models: [
          { name: 'cut-body', targets: [{ provider: 'primary', model: 'cut-body' }] },
          { name: 'cut-body-close-first', targets: [{ provider: 'primary', model: 'cut-body-close-first' }] },
          { name: 'limited', targets: [{ provider: 'primary', model: 'forever-429' }] },
          { name: 'truncated', targets: [{ provider: 'primary', model: 'truncated' }] },
        ],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  const recordFor = (after: number, model: string): Promise<RequestRecord> =>
    harness.recordWhere((r) => r.time >= after && r.requestedModel === model);

  it('records a non-streamed answer that breaks mid-relay as the upstream failure it is, not a client hang-up', async () => {
    const started = Date.now();
    const failure = await rejectionOf(
      harness.openai().chat.completions.create({ model: 'cut-body', messages: [{ role: 'user', content: 'hi' }] }),
    );
    // The client never sees a short body as a whole one.
    expect(failure).toBeInstanceOf(Error);
    const record = await recordFor(started, 'cut-body');
    expect(record).toMatchObject({ status: 200, errorCode: 'GW_ERR_UPSTREAM_STREAM' });
    expect(record.attempts.at(-1)).toMatchObject({ errorClass: 'stream_error' });
    // A guarded publish sees it: a broken upstream is not hidden as a client event.
    expect(countsAsFailure(record)).toBe(true);
  });

  it("counts a body that broke mid-relay against its target even when the response's close comes first", async () => {
    // The gateway destroys the client response when the body breaks; here its 'close' is delivered at once, inside
    // destroy(), before the code after the relay runs (the order node:http does not promise either way).
    const gatewayPort = Number(new URL(harness.url).port);
    const destroy = ServerResponse.prototype.destroy;
    ServerResponse.prototype.destroy = function closeFirst(this: ServerResponse, error?: Error) {
      if (this.req?.socket?.localPort !== gatewayPort || this.destroyed) return destroy.call(this, error);
      const result = destroy.call(this, error);
      const emit = this.emit;
      emit.call(this, 'close');
      // node:http's own close, later, is the one already delivered.
      this.emit = function (this: ServerResponse, event: string | symbol, ...args: unknown[]) {
        return event === 'close' ? false : emit.call(this, event, ...args);
      } as typeof emit;
      return result;
    };
    try {
      const started = Date.now();
      const failure = await rejectionOf(
        harness
          .openai()
          .chat.completions.create({ model: 'cut-body-close-first', messages: [{ role: 'user', content: 'hi' }] }),
      );
      expect(failure).toBeInstanceOf(Error);
      const record = await recordFor(started, 'cut-body-close-first');
      expect(record).toMatchObject({ status: 200, errorCode: 'GW_ERR_UPSTREAM_STREAM' });
      expect(record.attempts.at(-1)).toMatchObject({ errorClass: 'stream_error' });
      // The breaker heard of it: the target's last error is the broken stream.
      const { body } = await harness.admin('GET', '/providers');
      const target = body.data[0].targets.find((t: { model: string }) => t.model === 'cut-body-close-first');
      expect(target.last_error?.message).toMatch(/^stream_error: /);
    } finally {
      ServerResponse.prototype.destroy = destroy;
    }
  });

  it('cools a target for at most an hour whatever retry-after a 429 names', async () => {
    const started = Date.now();
    const failure = await rejectionOf(
      harness.openai().chat.completions.create({ model: 'limited', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(failure?.status).toBe(429);
    // The client reads how long the target cools, not 31 years.
    expect(failure?.message).toMatch(/cooling 3600s/);
    const { body } = await harness.admin('GET', '/providers');
    const target = body.data[0].targets.find((t: { model: string }) => t.model === 'forever-429');
    expect(target.state).toBe('cooling');
    const until = Date.parse(target.cooling_until);
    expect(until).toBeGreaterThan(started + 59 * 60_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect((await recordFor(started, 'limited')).status).toBe(429);
  });

  it.each([false, true])(
    'never quotes a truncated answer (stream: %s) to the client or into the record',
    async (stream) => {
      const started = Date.now();
      const failure = await rejectionOf(
        harness
          .openai()
          .chat.completions.create({ model: 'truncated', messages: [{ role: 'user', content: 'hi' }], stream }),
      );
      expect(failure?.status).toBe(502);
      expect(failure?.message).toMatch(/truncated or malformed JSON/);
      expect(failure?.message).not.toMatch(/diagnosis/);
      const record = await recordFor(started, 'truncated');
      expect(record.status).toBe(502);
      expect(JSON.stringify(record)).not.toMatch(/diagnosis/);
    },
  );
});
