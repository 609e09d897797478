import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirectLog } from '../../src/server/log.js';
import { FakeGemini } from '../fakes/fake-gemini.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';

const SERVER = 2;
const CLIENT = 3;
/** A caller that decided not to sample its trace (flags 00). */
const UNSAMPLED_PARENT = '00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';
/** A caller that sampled its trace (flags 01). */
const SAMPLED_PARENT = '00-6bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** Spans of the requests sent so far, once the gateway has flushed them (none may come: then after a while). */
async function exported(harness: GatewayHarness, receiver: OtlpReceiver, atLeast: number): Promise<ReceivedSpan[]> {
  await harness.records(1);
  const deadline = Date.now() + (atLeast > 0 ? 10_000 : 1_500);
  do {
    await harness.gateway.observability.flushTraces();
    if (atLeast > 0 && receiver.spans.length >= atLeast) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  return receiver.spans;
}

describe('gen_ai.provider.name', () => {
  let gemini: FakeGemini;
  let mistral: FakeOpenAI;
  let receiver: OtlpReceiver;
  let harness: GatewayHarness;

  beforeAll(async () => {
    gemini = await FakeGemini.start();
    mistral = await FakeOpenAI.start({ apiKey: 'sk-mistral' });
    receiver = await OtlpReceiver.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('gem', gemini.baseUrl, gemini.apiKey, 'gemini'),
          { ...fakeProvider('mis', mistral.baseUrl, 'sk-mistral'), preset: 'mistral' },
        ],
        models: [
          { name: 'g', targets: [{ provider: 'gem', model: 'gemini-2.5-flash' }] },
          { name: 'm', targets: [{ provider: 'mis', model: 'mistral-small' }] },
        ],
        telemetry: { otlp: { endpoint: receiver.url, sample_ratio: 1, protocol: 'http/json' } },
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await receiver.close();
    await gemini.close();
    await mistral.close();
  });

  it('is the GenAI conventions’ well-known value, not the gateway’s provider type', async () => {
    const client = harness.openai();
    await client.chat.completions.create({ model: 'g', messages: [{ role: 'user', content: 'hi' }] });
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    await harness.records(2);
    const spans = await exported(harness, receiver, 4);
    const names = (model: string) =>
      spans
        .filter((span) => span.attributes['gen_ai.request.model'] === model || span.name === `chat ${model}`)
        .map((span) => [span.kind, span.attributes['gen_ai.provider.name']]);
    expect(names('gemini-2.5-flash')).toEqual([[CLIENT, 'gcp.gemini']]);
    expect(names('g')).toEqual([[SERVER, 'gcp.gemini']]);
    expect(names('mistral-small')).toEqual([[CLIENT, 'mistral_ai']]);
    expect(names('m')).toEqual([[SERVER, 'mistral_ai']]);
  });
});

describe('OTEL_TRACES_SAMPLER as the specification defines it', () => {
  let upstream: FakeOpenAI;
  beforeAll(async () => {
    upstream = await FakeOpenAI.start({ apiKey: 'sk-up' });
  });
  afterAll(() => upstream.close());

  async function spansOf(env: Record<string, string>, traceparent: string): Promise<ReceivedSpan[]> {
    const receiver = await OtlpReceiver.start();
    const harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('up', upstream.baseUrl, 'sk-up')],
        models: [{ name: 'chat', targets: [{ provider: 'up', model: 'gpt-4o-mini' }] }],
      },
      // An empty signal-specific protocol is unset: the generic one (JSON, what the receiver decodes) holds.
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: '',
        ...env,
      },
    });
    try {
      const response = await fetch(`${harness.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json', traceparent },
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(200);
      return await exported(harness, receiver, env.OTEL_TRACES_SAMPLER === 'always_off' ? 0 : 2);
    } finally {
      await harness.close();
      await receiver.close();
    }
  }

  it('always_on records a request whose caller did not sample it', async () => {
    const spans = await spansOf({ OTEL_TRACES_SAMPLER: 'always_on' }, UNSAMPLED_PARENT);
    expect(spans.map((span) => span.kind).sort()).toEqual([SERVER, CLIENT]);
    expect(spans.every((span) => span.traceId === UNSAMPLED_PARENT.slice(3, 35))).toBe(true);
  });

  it('always_off records nothing, even for a caller that sampled', async () => {
    expect(await spansOf({ OTEL_TRACES_SAMPLER: 'always_off' }, SAMPLED_PARENT)).toEqual([]);
  });

  it('the default (parentbased_always_on) follows the caller’s flag', async () => {
    const spans = await spansOf({}, SAMPLED_PARENT);
    expect(spans.map((span) => span.kind).sort()).toEqual([SERVER, CLIENT]);
  });
});

describe('server span names of paths that carry an id', () => {
  it('name the route template, never the id (http.route; url.path keeps the path)', async () => {
    const upstream = await FakeOpenAI.start({ apiKey: 'sk-up' });
    const receiver = await OtlpReceiver.start();
    const harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('up', upstream.baseUrl, 'sk-up')],
        models: [{ name: 'chat', targets: [{ provider: 'up', model: 'gpt-4o-mini' }] }],
        telemetry: { otlp: { endpoint: receiver.url, sample_ratio: 1, protocol: 'http/json' } },
      },
    });
    try {
      const get = (path: string) =>
        fetch(`${harness.url}${path}`, { headers: { authorization: `Bearer ${CLIENT_TOKEN}` } });
      expect((await get('/v1/models/chat')).status).toBe(200);
      expect((await get('/v1/responses/resp_0123456789abcdef')).status).toBe(404);
      expect((await get('/v1/responses/resp_0123456789abcdef/input_items')).status).toBe(404);
      // OpenAI's stateful endpoints the gateway answers as unsupported carry ids too.
      expect((await get('/v1/chat/completions/chatcmpl-0123456789/messages')).status).toBe(404);
      expect((await get('/v1/conversations/conv_0123456789/items/msg_0123456789')).status).toBe(404);
      const spans = await exported(harness, receiver, 5);
      expect(spans.map((span) => [span.name, span.attributes['http.route'], span.attributes['url.path']])).toEqual([
        ['GET /v1/models/{model}', '/v1/models/{model}', '/v1/models/chat'],
        ['GET /v1/responses/{response_id}', '/v1/responses/{response_id}', '/v1/responses/resp_0123456789abcdef'],
        [
          'GET /v1/responses/{response_id}/input_items',
          '/v1/responses/{response_id}/input_items',
          '/v1/responses/resp_0123456789abcdef/input_items',
        ],
        [
          'GET /v1/chat/completions/{completion_id}/messages',
          '/v1/chat/completions/{completion_id}/messages',
          '/v1/chat/completions/chatcmpl-0123456789/messages',
        ],
        [
          'GET /v1/conversations/{conversation_id}/items/{item_id}',
          '/v1/conversations/{conversation_id}/items/{item_id}',
          '/v1/conversations/conv_0123456789/items/msg_0123456789',
        ],
      ]);
    } finally {
      await harness.close();
      await receiver.close();
      await upstream.close();
    }
  });
});

describe('OTEL_SDK_DISABLED=true', () => {
  it('turns tracing off even when telemetry.otlp sets it, and says so at start', async () => {
    const upstream = await FakeOpenAI.start({ apiKey: 'sk-up' });
    const receiver = await OtlpReceiver.start();
    const lines: string[] = [];
    const restore = redirectLog({ write: (line: string) => lines.push(line) });
    const harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('up', upstream.baseUrl, 'sk-up')],
        models: [{ name: 'chat', targets: [{ provider: 'up', model: 'gpt-4o-mini' }] }],
        telemetry: { otlp: { endpoint: receiver.url, sample_ratio: 1, protocol: 'http/json' } },
      },
      env: { OTEL_SDK_DISABLED: 'TRUE' },
    });
    try {
      expect((await chat(harness.url)).status).toBe(200);
      expect(await exported(harness, receiver, 0)).toEqual([]);
      expect(lines.map((line) => JSON.parse(line))).toContainEqual(
        expect.objectContaining({ level: 'warn', msg: 'tracing off: OTEL_SDK_DISABLED=true overrides telemetry.otlp' }),
      );
    } finally {
      await harness.close();
      restore();
      await receiver.close();
      await upstream.close();
    }
  });
});

function chat(url: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
  });
}
