import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { sampleValue, scrape } from '../support/prometheus.js';
import { stopStreamAfter } from '../support/stop-stream.js';

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;
const METRICS_TOKEN = 'metrics-scraper-token-0123456789';

// A stream the upstream cut after it had started is an upstream failure: the breaker counts it, and so must the
// attempt in the record, the attempt series and the trace (HTTP semantic conventions: a 2xx span with an error
// after the head has an error status). A client hanging up is not the upstream's failure.
describe('a stream the upstream broke after it started', () => {
  let upstream: FakeOpenAI;
  let receiver: OtlpReceiver;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start({ name: 'upstream', apiKey: 'sk-upstream' });
    receiver = await OtlpReceiver.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('upstream', upstream.baseUrl, 'sk-upstream')],
        models: [{ name: 'chat', targets: [{ provider: 'upstream', model: 'gpt-4o-mini' }] }],
        metrics: { token: METRICS_TOKEN },
        telemetry: { otlp: { endpoint: receiver.url, sample_ratio: 1, protocol: 'http/json' } },
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await receiver.close();
    await upstream.close();
  });
  beforeEach(() => {
    receiver.spans.length = 0;
  });

  async function spansOf(count: number): Promise<ReceivedSpan[]> {
    await expect
      .poll(
        async () => {
          await harness.gateway.observability.flushTraces();
          return receiver.spans.length;
        },
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(count);
    return receiver.spans;
  }

  it('records the answering attempt as a stream_error, in the record, the metrics and the spans', async () => {
    upstream.enqueue({ kind: 'break', after: 2 });
    const stream = await harness.openai().chat.completions.create({
      model: 'chat',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow(/upstream stream failed/);

    const [record] = await harness.records(1);
    expect(record).toMatchObject({ status: 200, errorCode: 'GW_ERR_UPSTREAM_STREAM' });
    // How far the answer got before the upstream broke it, as a cut of the gateway's own says: what the client
    // was sent (two chunks) and may have used.
    const sent = Number(/\(cut after (\d+) bytes of the response\)$/.exec(record?.errorMessage ?? '')?.[1]);
    expect(sent).toBeGreaterThan(0);
    expect(record?.attempts).toHaveLength(1);
    expect(record?.attempts[0]).toMatchObject({ provider: 'upstream', status: 200, errorClass: 'stream_error' });
    expect(record?.attempts[0]?.error).toMatch(/upstream stream failed/);

    const { families } = await scrape(harness.url, METRICS_TOKEN);
    const target = { provider: 'upstream', upstream_model: 'gpt-4o-mini' };
    expect(sampleValue(families, 'amg_upstream_attempts_total', { ...target, outcome: 'stream_error' })).toBe(1);
    expect(sampleValue(families, 'amg_upstream_attempts_total', { ...target, outcome: 'success' })).toBeUndefined();

    const spans = await spansOf(2);
    const server = spans.find((span) => span.kind === SERVER) as ReceivedSpan;
    const attempt = spans.find((span) => span.kind === CLIENT) as ReceivedSpan;
    expect(server.attributes['error.type']).toBe('GW_ERR_UPSTREAM_STREAM');
    expect(server.status.code).toBe(ERROR);
    expect(attempt.attributes).toMatchObject({ 'http.response.status_code': 200, 'error.type': 'stream_error' });
    expect(attempt.status.code).toBe(ERROR);
  });

  it('leaves the attempt a success when the client hung up mid-stream', async () => {
    upstream.enqueue({ kind: 'stall', after: 2 });
    expect(await stopStreamAfter(harness.openai(), 'chat', 2)).toBe(2);

    const records = await harness.records(2);
    const hungUp = records.find((record) => record.status === 499);
    expect(hungUp?.errorCode).toBe('GW_ERR_CLIENT_CLOSED');
    expect(hungUp?.attempts[0]?.errorClass).toBeUndefined();
    const spans = await spansOf(2);
    const server = spans.find((span) => span.kind === SERVER) as ReceivedSpan;
    expect(server.status.code).not.toBe(ERROR);
    const attempt = spans.find((span) => span.kind === CLIENT) as ReceivedSpan;
    expect(attempt.status.code).not.toBe(ERROR);
    // The upstream never reported usage: the counts are the gateway's estimate, and the spans say so.
    expect(hungUp?.usageEstimated).toBe(true);
    for (const span of [server, attempt]) {
      expect(span.attributes).toMatchObject({ 'gen_ai.usage.output_tokens': 2, 'amg.usage.estimated': true });
    }
    // amg_tokens_total counts the estimate billed; amg_tokens_estimated_total says how much of it was estimated.
    const { families } = await scrape(harness.url, METRICS_TOKEN);
    const series = { model: 'chat', provider: 'upstream' };
    const estimated = records.filter((record) => record.usageEstimated === true);
    const sum = (count: (record: (typeof records)[number]) => number | null) =>
      estimated.reduce((total, record) => total + (count(record) ?? 0), 0);
    expect(sampleValue(families, 'amg_tokens_estimated_total', { ...series, type: 'output' })).toBe(
      sum((record) => record.outputTokens),
    );
    expect(sampleValue(families, 'amg_tokens_estimated_total', { ...series, type: 'input' })).toBe(
      sum((record) => record.inputTokens),
    );
    expect(sampleValue(families, 'amg_tokens_total', { ...series, type: 'output' })).toBeGreaterThanOrEqual(2);
  });
});
