import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OtlpReceiver } from '../../../test/support/otlp-receiver.js';
import type { AttemptRecord, RequestRecord } from '../request-record.js';
import { OtelRequestTracer } from './otel-tracer.js';
import { SpanBatchWriter } from './otlp-span-encoder.js';
import type { RecordedSpan } from './recorded-span.js';
import { RecordingSpanWriter, type SpanWriter } from './span-writer.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const target = { provider: 'up', providerType: 'openai', model: 'm1', origin: 'http://127.0.0.1:1' };

const record: RequestRecord = {
  id: 'req_1',
  time: Date.now(),
  client: 'bench',
  entryPoint: 'chat.completions',
  method: 'POST',
  path: '/v1/chat/completions',
  requestedModel: 'chat',
  stream: false,
  provider: 'up',
  upstreamModel: 'm1',
  routeMode: 'direct',
  attempts: [{ provider: 'up', model: 'm1', status: 200, latencyMs: 2 }],
  status: 200,
  latencyMs: 3,
  ttfbMs: null,
  inputTokens: 12,
  outputTokens: 6,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  costUsd: null,
  errorCode: null,
  errorMessage: null,
  configRevision: 1,
};

describe('request tracer sampling', () => {
  let receiver: OtlpReceiver;
  const tracers: OtelRequestTracer[] = [];

  async function tracer(sampleRatio: number): Promise<OtelRequestTracer> {
    const made = await OtelRequestTracer.start(
      { url: `${receiver.url}/v1/traces`, headers: {}, sampleRatio, protocol: 'http/json' },
      { name: 'ai-model-gateway', version: 'test' },
    );
    tracers.push(made);
    return made;
  }

  function request(made: OtelRequestTracer, headers: Record<string, string>): string[] {
    const span = made.startRequest({
      method: 'POST',
      path: '/v1/chat/completions',
      entryPoint: 'chat.completions',
      headers,
    });
    const sent = [span.startAttempt(target, 0), span.startAttempt(target, 1)];
    span.end(record);
    return sent.map((carrier) => carrier.traceparent ?? '');
  }

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
  });
  beforeEach(() => {
    receiver.spans.length = 0;
  });
  afterAll(async () => {
    await Promise.all(tracers.map((made) => made.shutdown()));
    await receiver.close();
  });

  it('records nothing at ratio 0, yet gives each upstream its own unsampled context in a new trace', async () => {
    const made = await tracer(0);
    const [first, second] = request(made, {});
    await made.flush();
    expect(receiver.spans).toHaveLength(0);
    const [, traceId, firstSpan, flags] = first?.split('-') ?? [];
    expect(first).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(flags).toBe('00');
    expect(second?.split('-')[1]).toBe(traceId);
    expect(second?.split('-')[2]).not.toBe(firstSpan);
  });

  it('follows the caller’s sampled flag over the ratio, and keeps its tracestate', async () => {
    const made = await tracer(0);
    const span = made.startRequest({
      method: 'POST',
      path: '/v1/chat/completions',
      entryPoint: 'chat.completions',
      headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, tracestate: 'vendor=abc' },
    });
    const carrier = span.startAttempt(target, 0);
    const base = { authorization: 'Bearer k' };
    const sent = span.startAttempt(target, 1, base);
    span.end(record);
    await made.flush();
    expect(receiver.spans.map((s) => s.traceId)).toEqual([TRACE_ID, TRACE_ID, TRACE_ID]);
    const server = receiver.spans.find((s) => s.kind === 2);
    const clients = receiver.spans.filter((s) => s.kind === 3);
    expect(server?.parentSpanId).toBe(PARENT_ID);
    expect(clients.map((s) => s.parentSpanId)).toEqual([server?.spanId, server?.spanId]);
    // Each upstream gets its own attempt's span as parent, the caller's tracestate, and (given them) the
    // provider's headers, in a copy: the shared header object stays as it was.
    const sentParents = [carrier.traceparent, sent.traceparent].sort();
    expect(clients.map((s) => `00-${TRACE_ID}-${s.spanId}-01`).sort()).toEqual(sentParents);
    expect(carrier).toEqual({ traceparent: carrier.traceparent, tracestate: 'vendor=abc' });
    expect(sent).toEqual({ authorization: 'Bearer k', traceparent: sent.traceparent, tracestate: 'vendor=abc' });
    expect(base).toEqual({ authorization: 'Bearer k' });
  });

  it('samples a new trace below ratio 1 as the SDK’s trace-id ratio sampler decides for its id', async () => {
    const made = await tracer(0.5);
    const sdk = new TraceIdRatioBasedSampler(0.5);
    const decisions = Array.from({ length: 200 }, () => {
      const [traceparent] = request(made, {});
      const [, traceId = '', , flags] = traceparent?.split('-') ?? [];
      const expected = sdk.shouldSample(ROOT_CONTEXT, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;
      expect(flags).toBe(expected ? '01' : '00');
      return expected;
    });
    // Both decisions occur (200 random ids at 0.5), so the check above saw each.
    expect(new Set(decisions).size).toBe(2);
  });

  it('refuses the JSON protocol or a ratio below 1 without the parts `start` imports for them', () => {
    const settings = { url: 'http://127.0.0.1:9/v1/traces', headers: {} };
    const service = { name: 'ai-model-gateway', version: 'test' };
    expect(() => new OtelRequestTracer({ ...settings, sampleRatio: 1, protocol: 'http/json' }, service)).toThrow(
      /OtelRequestTracer.start/,
    );
    expect(() => new OtelRequestTracer({ ...settings, sampleRatio: 0.5, protocol: 'http/protobuf' }, service)).toThrow(
      /OtelRequestTracer.start/,
    );
  });

  it('records nothing for a caller that did not sample, at ratio 1', async () => {
    const made = await tracer(1);
    const [first] = request(made, { traceparent: `00-${TRACE_ID}-${PARENT_ID}-00` });
    await made.flush();
    expect(receiver.spans).toHaveLength(0);
    expect(first).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-00$`));
  });

  it('ignores a malformed traceparent and starts a sampled trace of its own', async () => {
    const made = await tracer(1);
    request(made, { traceparent: '00-not-a-trace-01' });
    await made.flush();
    expect(receiver.spans).toHaveLength(3);
    expect(new Set(receiver.spans.map((s) => s.traceId)).size).toBe(1);
    expect(receiver.spans[0]?.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('exports a request’s spans once and holds nothing of them after it ended', async () => {
    const made = await OtelRequestTracer.start(
      {
        url: `${receiver.url}/v1/traces`,
        headers: {},
        sampleRatio: 1,
        protocol: 'http/json',
        content: { maxBytes: 1_000 },
      },
      { name: 'ai-model-gateway', version: 'test' },
    );
    tracers.push(made);
    const span = made.startRequest({
      method: 'POST',
      path: '/v1/chat/completions',
      entryPoint: 'chat.completions',
      headers: {},
    });
    span.startAttempt(target, 0, { authorization: 'Bearer k' });
    expect(span.content).toBeDefined();
    span.end(record);
    // The exchange that holds this object can outlive the request: the prompt and the spans must not.
    expect(span.content).toBeUndefined();
    expect(
      Object.values(span).some((value) => value !== null && typeof value === 'object' && 'attributes' in value),
    ).toBe(false);
    span.end(record);
    await made.flush();
    expect(receiver.spans.map((s) => s.kind).sort()).toEqual([2, 3]);
  });
});

/** A writer that hands each span to both the JSON path's recorder and a protobuf batch, to compare their bytes. */
function writersOf(made: OtelRequestTracer) {
  const recorded: RecordedSpan[] = [];
  const json = new RecordingSpanWriter(made.resource, made.scope, (span) => recorded.push(span));
  const batch = new SpanBatchWriter(made.resource, made.scope, 8);
  const both: SpanWriter = {
    beginSpan: (...head) => {
      json.beginSpan(...head);
      batch.beginSpan(...head);
    },
    attribute: (key, value) => {
      json.attribute(key, value);
      batch.attribute(key, value);
    },
    attributeRun: (run) => {
      json.attributeRun(run);
      batch.attributeRun(run);
    },
    attributeSet: (set, values) => {
      json.attributeSet(set, values);
      batch.attributeSet(set, values);
    },
    attributes: (map) => {
      json.attributes(map);
      batch.attributes(map);
    },
    endSpan: (status) => {
      json.endSpan(status);
      batch.endSpan(status);
    },
  };
  return { both, batch, recorded };
}

describe('request tracer span writing', () => {
  it('writes each span into the protobuf batch as the official serialiser writes the span the JSON path records', async () => {
    const made = new OtelRequestTracer(
      {
        url: 'http://127.0.0.1:9/v1/traces',
        headers: {},
        sampleRatio: 1,
        protocol: 'http/protobuf',
        content: { maxBytes: 1_000 },
      },
      { name: 'ai-model-gateway', version: 'test' },
    );
    const { both, batch, recorded } = writersOf(made);
    (made as { writer: SpanWriter }).writer = both;
    // A caller's context with trace state; a failed attempt, then the answering one; the prompt captured.
    const span = made.startRequest({
      method: 'POST',
      path: '/v1/chat/completions',
      entryPoint: 'chat.completions',
      headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, tracestate: 'vendor=abc' },
    });
    span.content?.input({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    span.startAttempt(target, 0);
    span.startAttempt({ ...target, provider: 'other' }, 1);
    const attempts: AttemptRecord[] = [
      { provider: 'up', model: 'm1', status: 503, errorClass: 'server_error' as const, error: 'busy', latencyMs: 1 },
      { provider: 'other', model: 'm1', status: 200, latencyMs: 2 },
    ];
    span.settleAttempts(attempts);
    span.end({ ...record, attempts, status: 502, errorCode: 'GW_ERR_UPSTREAM', client: null, inputTokens: null });
    // An unanswered request of a new trace.
    made.startRequest({ method: 'GET', path: '/v1/models', entryPoint: 'models', headers: {} }).end(record);
    expect(recorded.map((s) => s.kind)).toEqual([SpanKind.CLIENT, SpanKind.CLIENT, SpanKind.SERVER, SpanKind.SERVER]);
    const official = ProtobufTraceSerializer.serializeRequest(recorded);
    expect(batch.finish().toString('hex')).toBe(Buffer.from(official ?? new Uint8Array()).toString('hex'));
    await made.shutdown();
  });

  it('writes ids copied from the id pool as their hex says, for requests open across several refills of the pool', async () => {
    const made = new OtelRequestTracer(
      { url: 'http://127.0.0.1:9/v1/traces', headers: {}, sampleRatio: 1, protocol: 'http/protobuf' },
      { name: 'ai-model-gateway', version: 'test' },
    );
    const { both, batch, recorded } = writersOf(made);
    (made as { writer: SpanWriter }).writer = both;
    // 600 new traces (trace, server and attempt ids from the pool: 24 kB, three refills of its 8 kB) all open
    // before any ends, so the first requests' ids were cut from buffers the pool has since moved past.
    const open = Array.from({ length: 600 }, () => {
      const span = made.startRequest({
        method: 'POST',
        path: '/v1/chat/completions',
        entryPoint: 'chat.completions',
        headers: {},
      });
      span.startAttempt(target, 0);
      return span;
    });
    for (const span of open) span.end(record);
    expect(recorded).toHaveLength(1_200);
    const official = ProtobufTraceSerializer.serializeRequest(recorded);
    expect(batch.finish().toString('hex')).toBe(Buffer.from(official ?? new Uint8Array()).toString('hex'));
    await made.shutdown();
  });
});
