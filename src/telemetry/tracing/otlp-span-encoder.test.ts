import { type Attributes, type Link, type SpanContext, SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { AttributeRun, AttributeSet, attributeKey, encodeTraceRequest, SpanBatchWriter } from './otlp-span-encoder.js';
import { RecordedSpan } from './recorded-span.js';

const resource = resourceFromAttributes({ 'service.name': 'ai-model-gateway', 'service.version': '1.2.3' });
const scope = { name: 'ai-model-gateway', version: '1.2.3' };
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const START = 1_764_900_000_123.456;

function context(spanId: string, extra: Partial<SpanContext> = {}): SpanContext {
  return { traceId: TRACE_ID, spanId, traceFlags: TraceFlags.SAMPLED, ...extra };
}

function recorded(
  name: string,
  attributes: Attributes,
  options: { parent?: SpanContext; kind?: SpanKind; spanContext?: SpanContext; on?: typeof resource } = {},
): RecordedSpan {
  const span = new RecordedSpan(
    name,
    options.kind ?? SpanKind.SERVER,
    options.spanContext ?? context('00f067aa0ba902b7'),
    options.parent,
    attributes,
    START,
    options.on ?? resource,
    scope,
  );
  span.finish(START + 1234.5678);
  return span;
}

/** A ReadableSpan with events and links, which RecordedSpan never has. */
function withEventsAndLinks(span: RecordedSpan, events: TimedEvent[], links: Link[]): ReadableSpan {
  return Object.assign(Object.create(span) as RecordedSpan, { events, links });
}

function expectOfficialBytes(spans: ReadableSpan[]): void {
  const official = ProtobufTraceSerializer.serializeRequest(spans);
  const ours = encodeTraceRequest(spans);
  expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(official ?? new Uint8Array()).toString('hex'));
}

const gatewayServer = (): RecordedSpan =>
  recorded('POST /v1/chat/completions', {
    'http.request.method': 'POST',
    'url.path': '/v1/chat/completions',
    'gen_ai.operation.name': 'chat',
    'http.response.status_code': 200,
    'gen_ai.provider.name': 'openai',
  });

const gatewayClient = (): RecordedSpan =>
  recorded(
    'chat m1',
    {
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'm1',
      'amg.provider': 'up',
      'amg.attempt': 1,
      'server.address': '127.0.0.1',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 6,
    },
    { kind: SpanKind.CLIENT, parent: context('00f067aa0ba902b7'), spanContext: context('b7ad6b7169203331') },
  );

/** Root spans of TRACE_ID written field by field, `attributes` writing each one's; the batch as hex. */
function writtenRootSpans(
  spans: RecordedSpan[],
  attributes: (batch: SpanBatchWriter, span: RecordedSpan) => void,
): string {
  const batch = new SpanBatchWriter(resource, scope, spans.length);
  for (const span of spans) {
    const { spanId } = span.spanContext();
    batch.beginSpan(TRACE_ID, spanId, undefined, undefined, false, span.name, span.kind, START, span.endMs);
    attributes(batch, span);
    batch.endSpan(span.status);
  }
  return batch.finish().toString('hex');
}

describe('OTLP span encoder', () => {
  it('writes the bytes of the official serialiser for a root and a child span', () => {
    expectOfficialBytes([gatewayServer(), gatewayClient()]);
  });

  it('writes nothing for no spans, as the official serialiser', () => {
    expectOfficialBytes([]);
  });

  it('matches for a remote parent, trace state, uppercase ids and an unsampled flag', () => {
    const traceState = new TraceState('vendor=abc,other=x-y');
    const parent = context('AAAAAAAAAAAAAAAA', { isRemote: true, traceState });
    const span = recorded(
      'remote',
      { a: 'b' },
      { parent, spanContext: context('1111111111111111', { traceState, traceFlags: TraceFlags.NONE }) },
    );
    expectOfficialBytes([span]);
  });

  it('matches for ids with characters that are not hex, which the official decoder reads on through', () => {
    // The writer decodes ids with Buffer's hex decoder, which stops at such a character: it must then decode the
    // id as the official hexToBinary does, not leave the rest of the id's bytes as they were.
    const span = recorded(
      'odd ids',
      { a: 'b' },
      { parent: context('00f067zz0ba902b7'), spanContext: context('b7ad6b71692033g1') },
    );
    expectOfficialBytes([span]);
  });

  it('matches for long, unicode and empty strings, and strings whose lengths cross varint sizes', () => {
    const attributes: Attributes = {
      long: 'x'.repeat(300),
      huge: 'y'.repeat(20_000),
      unicode: 'héllo wörld — 你好 🌍',
      unicodeLong: '你好'.repeat(100),
      loneSurrogate: 'a\ud800b',
      empty: '',
      edge127: 'z'.repeat(127),
      edge128: 'z'.repeat(128),
      'clé.unicode': 'v',
    };
    expectOfficialBytes([recorded('ünïcode span '.repeat(20), attributes)]);
  });

  it('matches for int, negative, large, double, bool and array attributes', () => {
    const attributes: Attributes = {
      zero: 0,
      small: 5,
      big: 2 ** 40 + 7,
      max32: 0xffffffff,
      over32: 0x100000000,
      negative: -1,
      negativeBig: -(2 ** 40) - 3,
      maxSafe: Number.MAX_SAFE_INTEGER,
      huge: 2 ** 70,
      double: 0.125,
      negativeDouble: -3.75,
      nan: Number.NaN,
      infinite: Number.POSITIVE_INFINITY,
      yes: true,
      no: false,
      strings: ['a', 'b'],
      numbers: [1, 2.5, -3],
      bools: [true, false],
      withHoles: ['a', null, undefined, 'b'],
      missing: undefined,
    };
    expectOfficialBytes([recorded('numbers', attributes)]);
  });

  it('matches for many attributes', () => {
    const attributes: Attributes = {};
    for (let i = 0; i < 200; i++) attributes[`attribute.${i}`] = i % 2 ? `value ${i}` : i * 1000;
    expectOfficialBytes([recorded('many', attributes)]);
  });

  it('matches for error status with and without a message, and every span kind', () => {
    const failed = gatewayClient();
    failed.status = { code: SpanStatusCode.ERROR, message: 'upstream timed out after 30 s' };
    const bare = gatewayServer();
    bare.status = { code: SpanStatusCode.ERROR };
    const ok = gatewayServer();
    ok.status = { code: SpanStatusCode.OK };
    const kinds = [SpanKind.INTERNAL, SpanKind.PRODUCER, SpanKind.CONSUMER].map((kind) => recorded('k', {}, { kind }));
    expectOfficialBytes([failed, bare, ok, ...kinds]);
  });

  it('matches for events and links', () => {
    const events: TimedEvent[] = [
      { name: 'first token', time: [1_764_900_000, 999_999_999], attributes: { index: 1, text: 'ok' } },
      { name: 'no attributes', time: [1_764_900_001, 5], droppedAttributesCount: 2 },
    ];
    const links: Link[] = [
      { context: context('2222222222222222', { isRemote: true }), attributes: { why: 'retry' } },
      { context: context('3333333333333333', { traceState: new TraceState('k=v') }), droppedAttributesCount: 1 },
    ];
    expectOfficialBytes([withEventsAndLinks(gatewayServer(), events, links), gatewayClient()]);
  });

  it('writes times kept in milliseconds as the official serialiser writes their HrTime', () => {
    // Fractional epoch milliseconds as performance.timeOrigin + performance.now() gives them, across whole
    // seconds, sub-nanosecond fractions that round both ways, and the ends of a second.
    const spans = [
      0, 0.0000004, 0.0000006, 999.9999996, 999.9999994, 1000, 1_733_380_000_123.457, 4_102_444_800_000.999,
    ].map((offset, i) => {
      const span = new RecordedSpan(
        't',
        SpanKind.CLIENT,
        context(`b7ad6b71692033${10 + i}`),
        undefined,
        {},
        START + offset,
        resource,
        scope,
      );
      span.finish(START + offset * 2 + 0.1234567);
      return span;
    });
    expectOfficialBytes(spans);
  });

  it('matches for a batch of gateway spans large enough to need long outer lengths', () => {
    const spans: RecordedSpan[] = [];
    for (let i = 0; i < 3000; i++) spans.push(i % 2 ? gatewayClient() : gatewayServer());
    expectOfficialBytes(spans);
    // A second batch reuses the cached resource, scope and keys, and sizes its buffer from the first.
    expectOfficialBytes(spans.slice(0, 7));
  });

  it('groups spans of several resources and scopes as the official serialiser does', () => {
    const other = resourceFromAttributes({ 'service.name': 'other' });
    const otherScope = { name: 'other-scope', version: '', schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' };
    const foreign = Object.assign(Object.create(gatewayClient()) as RecordedSpan, { instrumentationScope: otherScope });
    const spans = [gatewayServer(), recorded('elsewhere', { n: 1 }, { on: other }), foreign, gatewayClient()];
    expectOfficialBytes(spans);
  });

  it('writes a span given field by field as the official serialiser writes the same span', () => {
    const traceState = new TraceState('vendor=abc');
    const remote = context('AAAAAAAAAAAAAAAA', { isRemote: true, traceState });
    const server = recorded(
      'POST /v1/chat/completions',
      { 'url.path': '/v1/chat/completions', 'amg.attempts': 2, content: 'x'.repeat(200) },
      { parent: remote, spanContext: context('00f067aa0ba902b7', { traceState }) },
    );
    server.status = { code: SpanStatusCode.ERROR };
    const client = gatewayClient();
    client.status = { code: SpanStatusCode.ERROR, message: 'upstream timed out' };
    const batch = new SpanBatchWriter(resource, scope, 2);
    for (const span of [server, client]) {
      const { traceId, spanId } = span.spanContext();
      const parent = span.parentSpanContext;
      batch.beginSpan(
        traceId,
        spanId,
        parent?.traceState,
        parent?.spanId,
        parent?.isRemote === true,
        span.name,
        span.kind,
        START,
        span.endMs,
      );
      const names = Object.keys(span.attributes);
      // The first attributes by key, the rest as a map (as content capture adds them).
      for (const name of names.slice(0, 2)) batch.attribute(attributeKey(name), span.attributes[name] as string);
      batch.attributes(Object.fromEntries(names.slice(2).map((name) => [name, span.attributes[name]])));
      batch.endSpan(span.status);
    }
    const official = ProtobufTraceSerializer.serializeRequest([server, client]);
    expect(batch.finish().toString('hex')).toBe(Buffer.from(official ?? new Uint8Array()).toString('hex'));
  });

  it('writes a run of attributes, encoded once and copied into each span, as the official serialiser writes them', () => {
    // A target's attributes as an attempt span carries them: a long string (two length bytes), unicode, an int.
    const run = new AttributeRun([
      [attributeKey('gen_ai.provider.name'), 'openai'],
      [attributeKey('gen_ai.request.model'), 'm'.repeat(120)],
      [attributeKey('amg.provider'), 'prövider'],
      [attributeKey('amg.weight'), 3],
    ]);
    const spans = ['00f067aa0ba902b7', '00f067aa0ba902b8'].map((spanId) =>
      recorded(
        'chat m1',
        { ...Object.fromEntries(run.entries.map(([key, value]) => [key.name, value])), 'amg.attempt': 1 },
        { kind: SpanKind.CLIENT, spanContext: context(spanId) },
      ),
    );
    const bytes = writtenRootSpans(spans, (batch) => {
      batch.attributeRun(run);
      batch.attribute(attributeKey('amg.attempt'), 1);
    });
    expect(run.bytes).toBe(run.bytes);
    const official = ProtobufTraceSerializer.serializeRequest(spans);
    expect(bytes).toBe(Buffer.from(official ?? new Uint8Array()).toString('hex'));
  });

  it('writes the values of a repeating key, kept encoded and past the values it keeps, as the official serialiser', () => {
    const status = attributeKey('http.response.status_code', true);
    const model = attributeKey('gen_ai.request.model', true);
    // 70 spans: the same status again and again, and more models than a key keeps encoded (the rest written afresh).
    const spans = Array.from({ length: 70 }, (_, i) =>
      recorded(
        'chat',
        { 'http.response.status_code': i % 7 === 0 ? 503 : 200, 'gen_ai.request.model': `model-${i}-ü` },
        { spanContext: context(`00f067aa0ba9${(0x1000 + i).toString(16)}`) },
      ),
    );
    const bytes = writtenRootSpans(spans, (batch, span) => {
      batch.attribute(status, span.attributes['http.response.status_code'] as number);
      batch.attribute(model, span.attributes['gen_ai.request.model'] as string);
    });
    expect(status.values?.size).toBe(2);
    expect(model.values?.size).toBe(64);
    const official = ProtobufTraceSerializer.serializeRequest(spans);
    expect(bytes).toBe(Buffer.from(official ?? new Uint8Array()).toString('hex'));
  });

  it('writes a set of repeating attributes, kept and missed combinations and absent values, as the official serialiser', () => {
    const set = new AttributeSet([
      attributeKey('http.response.status_code', true),
      attributeKey('gen_ai.request.model', true),
      attributeKey('amg.client'),
      attributeKey('error.type', true),
    ]);
    // 80 spans over 20 combinations (more than a set keeps), revisited out of order; some keys absent, a long and
    // a unicode value; a fresh attribute after the set in each span.
    const combination = (i: number) => {
      const n = (i * 7) % 20;
      return [
        n % 3 === 0 ? 503 : 200,
        n % 5 === 0 ? 'm'.repeat(130) : `model-${n}-ü`,
        n % 4 === 0 ? undefined : `client-${n % 2}`,
        n % 3 === 0 ? 'upstream_error' : undefined,
      ];
    };
    const names = set.keys.map((key) => key.name);
    const spans = Array.from({ length: 80 }, (_, i) => {
      const attributes: Attributes = {};
      combination(i).forEach((value, k) => {
        if (value !== undefined) attributes[names[k] as string] = value;
      });
      attributes['amg.request.id'] = `req-${i}`;
      return recorded('chat', attributes, { spanContext: context(`00f067aa0ba9${(0x1000 + i).toString(16)}`) });
    });
    const values: (string | number | undefined)[] = [];
    const bytes = writtenRootSpans(spans, (batch, span) => {
      // One array for every span, filled in place, as the tracer passes its values.
      values.splice(0, values.length, ...combination(spans.indexOf(span)));
      batch.attributeSet(set, values);
      batch.attribute(attributeKey('amg.request.id'), span.attributes['amg.request.id'] as string);
    });
    const official = ProtobufTraceSerializer.serializeRequest(spans);
    expect(bytes).toBe(Buffer.from(official ?? new Uint8Array()).toString('hex'));
    // The last combinations written are kept: one more span with them is one copy of the same bytes.
    expect(set.find(combination(79))).toBeDefined();
    expect(set.find([200, 'never seen', undefined, undefined])).toBeUndefined();
  });
});
