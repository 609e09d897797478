import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
        // The receiver decodes OTLP/JSON; the protobuf default is checked on its own below.
        telemetry: {
          otlp: {
            endpoint: receiver.url,
            headers: { 'x-collector-key': 'k-123' },
            sample_ratio: 1,
            protocol: 'http/json',
          },
        },
      },
      // Merged under the config's headers: the config wins a name, the others are added.
      env: { OTEL_EXPORTER_OTLP_HEADERS: 'X-Collector-Key=from-env,x-tenant=acme' },
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
    // Usage the provider reported is not marked as an estimate.
    expect(server.attributes['amg.usage.estimated']).toBeUndefined();
    expect(second.attributes['amg.usage.estimated']).toBeUndefined();
    expect(BigInt(first.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(second.startTimeUnixNano));
    expect(BigInt(second.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(server.endTimeUnixNano));
  });

  it('names the provider tried last on the server span of a request no target answered', async () => {
    primary.setDefault({ kind: 'error', status: 500 });
    backup.setDefault({ kind: 'error', status: 500 });
    try {
      await expect(
        harness.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
      ).rejects.toThrow();
    } finally {
      primary.setDefault({ kind: 'reply' });
      backup.setDefault({ kind: 'reply' });
    }
    await harness.records(1);
    await expect
      .poll(
        async () => {
          await harness.gateway.observability.flushTraces();
          return receiver.spans.find((span) => span.kind === SERVER);
        },
        { timeout: 10_000 },
      )
      .toBeDefined();
    const server = receiver.spans.find((span) => span.kind === SERVER) as ReceivedSpan;
    // No provider answered (amg.provider absent, as the request log has it); the one tried last is named apart.
    expect(server.attributes['amg.provider']).toBeUndefined();
    expect(server.attributes['amg.provider.last_tried']).toBe('backup');
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
    expect(receiver.requestHeaders.at(-1)?.['x-tenant']).toBe('acme');
  });
});

describe('OpenTelemetry traces with capture_content on', () => {
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
        telemetry: {
          otlp: {
            endpoint: receiver.url,
            sample_ratio: 1,
            protocol: 'http/json',
            capture_content: true,
            content_max_bytes: 512,
          },
        },
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

  async function serverSpan(): Promise<ReceivedSpan> {
    await harness.records(1);
    await expect
      .poll(
        async () => {
          await harness.gateway.observability.flushTraces();
          return receiver.spans.filter((span) => span.kind === SERVER).length;
        },
        { timeout: 10_000 },
      )
      .toBe(1);
    return receiver.spans.find((span) => span.kind === SERVER) as ReceivedSpan;
  }

  it('attaches the prompt, the system instructions and the completion of a JSON answer', async () => {
    upstream.enqueue({ kind: 'reply', text: 'the completion text' });
    await harness.openai().chat.completions.create({
      model: 'chat',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: PROMPT },
      ],
    });
    const attributes = (await serverSpan()).attributes;
    expect(JSON.parse(String(attributes['gen_ai.input.messages']))).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: PROMPT },
    ]);
    expect(JSON.parse(String(attributes['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'the completion text' }], finish_reason: 'stop' },
    ]);
  });

  it('rebuilds a streamed completion, tool calls included, from the chunks the client was sent', async () => {
    upstream.enqueue({
      kind: 'reply',
      text: 'calling a tool',
      chunkSize: 3,
      toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }],
    });
    const stream = await harness.openai().chat.completions.create({
      model: 'chat',
      stream: true,
      messages: [{ role: 'user', content: PROMPT }],
    });
    for await (const _ of stream);
    const output = JSON.parse(String((await serverSpan()).attributes['gen_ai.output.messages']));
    expect(output).toMatchObject([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'calling a tool' },
          { type: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris"}' },
        ],
        finish_reason: 'tool_calls',
      },
    ]);
  });

  it('cuts content longer than content_max_bytes and marks the cut', async () => {
    await harness
      .openai()
      .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x'.repeat(2000) }] });
    const input = String((await serverSpan()).attributes['gen_ai.input.messages']);
    expect(Buffer.byteLength(input)).toBeLessThanOrEqual(512);
    expect(input.endsWith('…[truncated]')).toBe(true);
  });
});

describe('OpenTelemetry traces in the default encoding', () => {
  it('exports OTLP protobuf to /v1/traces, the spans’ names and attributes in it', async () => {
    const upstream = await FakeOpenAI.start({ name: 'upstream', apiKey: 'sk-upstream' });
    const bodies: Array<{ type: string | undefined; path: string | undefined; body: Buffer }> = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.push({ type: req.headers['content-type'], path: req.url, body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const port = (collector.address() as AddressInfo).port;
    const harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('upstream', upstream.baseUrl, 'sk-upstream')],
        models: [{ name: 'chat', targets: [{ provider: 'upstream', model: 'gpt-4o-mini' }] }],
        telemetry: { otlp: { endpoint: `http://127.0.0.1:${port}`, sample_ratio: 1 } },
      },
    });
    try {
      await harness.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
      await harness.records(1);
      await expect
        .poll(
          async () => {
            await harness.gateway.observability.flushTraces();
            return bodies.length;
          },
          { timeout: 10_000 },
        )
        .toBeGreaterThan(0);
      const [first] = bodies;
      expect(first?.path).toBe('/v1/traces');
      expect(first?.type).toBe('application/x-protobuf');
      // Protobuf keeps strings as UTF-8 bytes: the span names and attribute keys are there, JSON is not.
      const bytes = Buffer.concat(bodies.map((b) => b.body));
      expect(bytes.includes(Buffer.from('POST /v1/chat/completions'))).toBe(true);
      expect(bytes.includes(Buffer.from('chat gpt-4o-mini'))).toBe(true);
      expect(bytes.includes(Buffer.from('amg.route.mode'))).toBe(true);
      expect(bytes.includes(Buffer.from('"resourceSpans"'))).toBe(false);
    } finally {
      await harness.close();
      await new Promise((resolve) => collector.close(resolve));
      await upstream.close();
    }
  });
});

describe('OpenTelemetry traces turned on by the standard OTEL_* variables', () => {
  it('exports to OTEL_EXPORTER_OTLP_ENDPOINT with the service name and resource attributes the variables set', async () => {
    const upstream = await FakeOpenAI.start({ name: 'upstream', apiKey: 'sk-upstream' });
    const receiver = await OtlpReceiver.start();
    const harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('upstream', upstream.baseUrl, 'sk-upstream')],
        models: [{ name: 'chat', targets: [{ provider: 'upstream', model: 'gpt-4o-mini' }] }],
      },
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        // Empty, as a compose file that lists the variable without a value leaves it: the same as unset.
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=k%20456',
        OTEL_SERVICE_NAME: 'amg-eu-west',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,service.instance.id=gw-2,service.name=ignored',
      },
    });
    try {
      await harness.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
      await harness.records(1);
      await expect
        .poll(
          async () => {
            await harness.gateway.observability.flushTraces();
            return receiver.spans.length;
          },
          { timeout: 10_000 },
        )
        .toBeGreaterThanOrEqual(2);
      const server = receiver.spans.find((span) => span.kind === SERVER) as ReceivedSpan;
      expect(server.name).toBe('POST /v1/chat/completions');
      expect(server.resource).toMatchObject({
        'service.name': 'amg-eu-west',
        'deployment.environment.name': 'prod',
        'service.instance.id': 'gw-2',
      });
      expect(typeof server.resource['service.version']).toBe('string');
      expect(receiver.requestHeaders.at(-1)?.['x-collector-key']).toBe('k 456');
    } finally {
      await harness.close();
      await receiver.close();
      await upstream.close();
    }
  });
});
