import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';

const SERVER = 2;
const CLIENT = 3;
const PROMPT = 'a distinctive prompt that must never reach the trace';
const CLIENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';

describe('OpenTelemetry traces of a request that fell back', () => {
  let primary: FakeOpenAI;
  let backup: FakeOpenAI;
  let receiver: OtlpReceiver;
  let harness: GatewayHarness;

  beforeAll(async () => {
    primary = await FakeOpenAI.start({ name: 'primary', apiKey: 'sk-primary' });
    backup = await FakeOpenAI.start({ name: 'backup', apiKey: 'sk-backup' });
    receiver = await OtlpReceiver.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('primary', primary.baseUrl, 'sk-primary'),
          fakeProvider('backup', backup.baseUrl, 'sk-backup'),
        ],
        models: [
          {
            name: 'chat',
            targets: [
              { provider: 'primary', model: 'gpt-4o-mini' },
              { provider: 'backup', model: 'llama-3.1-8b' },
            ],
          },
        ],
        // Every request starts with a 429 from the primary: keep its breaker closed so each one falls back.
        routing: { cooldown: { failures: 1000 } },
        telemetry: { otlp: { endpoint: receiver.url, headers: { 'x-collector-key': 'k-123' }, sample_ratio: 1 } },
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await receiver.close();
    await primary.close();
    await backup.close();
  });
  beforeEach(() => {
    receiver.spans.length = 0;
    primary.requests.length = 0;
    backup.requests.length = 0;
  });

  async function fallBack(headers: Record<string, string> = {}): Promise<ReceivedSpan[]> {
    primary.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '0' } });
    const { response } = await harness
      .openai()
      .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: PROMPT }] }, { headers })
      .withResponse();
    expect(response.headers.get('x-gateway-route')).toBe('fallback');
    await harness.records(1);
    await expect
      .poll(
        async () => {
          await harness.gateway.observability.flushTraces();
          return receiver.spans.length;
        },
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(3);
    return receiver.spans;
  }

  it('exports a server span with one client span per attempt, under the caller’s trace', async () => {
    const spans = await fallBack({ traceparent: `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01` });
    const server = spans.find((span) => span.kind === SERVER) as ReceivedSpan;
    expect(server).toMatchObject({
      traceId: CLIENT_TRACE_ID,
      parentSpanId: CLIENT_SPAN_ID,
      name: 'POST /v1/chat/completions',
    });
    expect(server.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'chat',
      'gen_ai.response.model': 'llama-3.1-8b',
      'gen_ai.provider.name': 'openai',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 6,
      'amg.route.mode': 'fallback',
      'amg.provider': 'backup',
      'amg.attempts': 2,
      'http.response.status_code': 200,
    });
    expect(server.resource['service.name']).toBe('ai-model-gateway');

    const attempts = spans
      .filter((span) => span.kind === CLIENT)
      .sort((a, b) => Number(a.attributes['amg.attempt']) - Number(b.attributes['amg.attempt']));
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt.traceId).toBe(CLIENT_TRACE_ID);
      expect(attempt.parentSpanId).toBe(server.spanId);
    }
    const [first, second] = attempts as [ReceivedSpan, ReceivedSpan];
    expect(first.name).toBe('chat gpt-4o-mini');
    expect(first.attributes).toMatchObject({
      'amg.attempt': 1,
      'amg.provider': 'primary',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'http.response.status_code': 429,
      'error.type': 'rate_limit',
    });
    expect(first.status.code).toBe(2);
    expect(second.name).toBe('chat llama-3.1-8b');
    expect(second.attributes).toMatchObject({
      'amg.attempt': 2,
      'amg.provider': 'backup',
      'gen_ai.response.model': 'llama-3.1-8b',
      'gen_ai.usage.output_tokens': 6,
      'http.response.status_code': 200,
    });
    expect(second.attributes['error.type']).toBeUndefined();
    expect(BigInt(first.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(second.startTimeUnixNano));
    expect(BigInt(second.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(server.endTimeUnixNano));
  });

  it('propagates the trace to each upstream as the attempt’s own span', async () => {
    const spans = await fallBack({ traceparent: `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01` });
    const spanOf = (attempt: number) =>
      spans.find((span) => span.kind === CLIENT && span.attributes['amg.attempt'] === attempt) as ReceivedSpan;
    expect(primary.requests[0]?.headers.traceparent).toBe(`00-${CLIENT_TRACE_ID}-${spanOf(1).spanId}-01`);
    expect(backup.requests[0]?.headers.traceparent).toBe(`00-${CLIENT_TRACE_ID}-${spanOf(2).spanId}-01`);
  });

  it('starts a new trace when the caller sent none', async () => {
    const spans = await fallBack();
    const server = spans.find((span) => span.kind === SERVER) as ReceivedSpan;
    expect(server.parentSpanId).toBe('');
    expect(server.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(server.traceId).not.toBe(CLIENT_TRACE_ID);
  });

  it('attaches no prompt or completion content, and sends the configured collector headers', async () => {
    const spans = await fallBack();
    expect(JSON.stringify(spans)).not.toContain(PROMPT);
    expect(JSON.stringify(spans)).not.toContain('sk-backup');
    expect(receiver.requestHeaders.at(-1)?.['x-collector-key']).toBe('k-123');
  });
});
