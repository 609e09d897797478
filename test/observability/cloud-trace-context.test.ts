import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../fakes/fake-server.js';
import { CloudGateway } from '../support/cloud-gateway.js';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';

const CLIENT = 3;
const CALLER_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN_ID = 'b7ad6b7169203331';

/**
 * W3C trace context on requests to the cloud provider types, whose requests are signed (Bedrock: SigV4) or carry
 * a fetched token (Vertex) or a key header (Azure, Gemini). A traced upstream continues the trace only if the
 * header arrives; for Bedrock it must also be in the request before it is signed, since aws4 signs every header it
 * is given: a traceparent changed or added to a signed header set after signing fails AWS's check, which the fake
 * makes from the SignedHeaders list exactly as AWS does.
 */
describe('trace context on requests to cloud providers', () => {
  let cloud: CloudGateway;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    cloud = await CloudGateway.start({
      // A throttled Bedrock attempt is retried on the same target: each attempt is signed with its own span.
      routing: { retries: { max_attempts: 2, backoff_ms: 1 }, cooldown: { failures: 1000 } },
      telemetry: { otlp: { endpoint: receiver.url, sample_ratio: 1, protocol: 'http/json' } },
    });
  });
  afterAll(async () => {
    await cloud.close();
    await receiver.close();
  });
  beforeEach(() => {
    receiver.spans.length = 0;
    cloud.reset();
  });

  /** The client spans of the caller's trace, in attempt order, once the receiver holds `count` of them. */
  async function attemptSpans(count: number): Promise<ReceivedSpan[]> {
    await expect
      .poll(
        async () => {
          await cloud.harness.gateway.observability.flushTraces();
          return receiver.spans.filter((span) => span.kind === CLIENT).length;
        },
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(count);
    return receiver.spans
      .filter((span) => span.kind === CLIENT && span.traceId === CALLER_TRACE_ID)
      .sort((a, b) => Number(a.attributes['amg.attempt']) - Number(b.attributes['amg.attempt']));
  }

  async function chat(model: string): Promise<void> {
    const completion = await cloud.harness
      .openai()
      .chat.completions.create(
        { model, messages: [{ role: 'user', content: 'Hi' }] },
        { headers: { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01` } },
      );
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  }

  it.each([
    { model: 'on-azure', system: 'azure.ai.openai', requests: () => cloud.azure.server.requests },
    { model: 'on-gemini', system: 'gcp.gemini', requests: () => cloud.gemini.chatRequests() },
    { model: 'on-vertex', system: 'gcp.vertex_ai', requests: () => cloud.vertex.chatRequests('google') },
  ])('sends $model its attempt span as the parent in traceparent', async ({ model, system, requests }) => {
    await chat(model);
    const [attempt] = await attemptSpans(1);
    const sent = requests() as RecordedRequest[];
    expect(sent).toHaveLength(1);
    expect(sent[0]?.headers.traceparent).toBe(`00-${CALLER_TRACE_ID}-${attempt?.spanId}-01`);
    expect(attempt?.attributes['gen_ai.provider.name']).toBe(system);
  });

  it('signs each Bedrock attempt with its own traceparent, which AWS’s check accepts', async () => {
    cloud.bedrock.enqueue({
      kind: 'error',
      status: 429,
      exception: 'ThrottlingException',
      message: 'Too many requests, please wait before trying again.',
    });
    await chat('on-bedrock');
    const attempts = await attemptSpans(2);
    expect(attempts.map((span) => span.attributes['error.type'] ?? 'ok')).toEqual(['rate_limit', 'ok']);
    expect(attempts.map((span) => span.attributes['gen_ai.provider.name'])).toEqual(['aws.bedrock', 'aws.bedrock']);
    const sent = cloud.bedrock.chatRequests();
    expect(sent).toHaveLength(2);
    for (const [index, request] of sent.entries()) {
      expect(request.headers.traceparent).toBe(`00-${CALLER_TRACE_ID}-${attempts[index]?.spanId}-01`);
      // Signed, so the value AWS sees is the one the signature covers (the fake refused neither request).
      const signed = /SignedHeaders=([^,]+)/.exec(String(request.headers.authorization))?.[1]?.split(';');
      expect(signed).toContain('traceparent');
    }
    expect(sent[0]?.headers.authorization).not.toBe(sent[1]?.headers.authorization);
  });

  it('signs again with the same traceparent when AWS refuses a signature for a clock that is off', async () => {
    // AWS runs 10 minutes ahead: the first signature is refused, the attempt signs again by AWS's Date.
    cloud.bedrock.clockOffsetMs = 10 * 60_000;
    try {
      await chat('on-bedrock');
    } finally {
      cloud.bedrock.clockOffsetMs = 0;
    }
    const [attempt, ...others] = await attemptSpans(1);
    expect(others).toEqual([]);
    const sent = cloud.bedrock.chatRequests();
    expect(sent.map((request) => request.headers.traceparent)).toEqual([
      `00-${CALLER_TRACE_ID}-${attempt?.spanId}-01`,
      `00-${CALLER_TRACE_ID}-${attempt?.spanId}-01`,
    ]);
    expect(sent[0]?.headers['x-amz-date']).not.toBe(sent[1]?.headers['x-amz-date']);
  });
});
