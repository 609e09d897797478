import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redirectLog } from '../../src/server/log.js';
import { TRACE_FLUSH_WAIT_MS } from '../../src/server/observability.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { closedPort } from '../support/closed-port.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { sampleValue, scrape } from '../support/prometheus.js';
import { startTracedGateway } from '../support/traced-gateway.js';

// A collector that is down or mistyped must not leave tracing silently dropping every span: the gateway says
// so in its log, once per interval rather than once per batch, and keeps serving.
describe('trace export to a collector that does not answer', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  const lines: string[] = [];
  let restore: () => void;

  beforeAll(async () => {
    restore = redirectLog({ write: (line: string) => lines.push(line) });
    upstream = await FakeOpenAI.start({ apiKey: 'sk-up' });
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', upstream.baseUrl, 'sk-up')],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
        telemetry: { otlp: { endpoint: `http://127.0.0.1:${await closedPort()}`, sample_ratio: 1 } },
      },
      env: { AMG_LOG_LEVEL: undefined },
    });
  });
  afterAll(async () => {
    await harness.close().catch(() => undefined);
    await upstream.close();
    restore();
  });

  it('logs the failed exports, throttled, while requests are still served', async () => {
    for (let round = 0; round < 2; round++) {
      const reply = await harness
        .openai()
        .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
      expect(reply.choices[0]?.message.content).toBeTruthy();
      // Each flush is one failed export (the exporter's retries included).
      await harness.gateway.observability.flushTraces().catch(() => undefined);
    }
    const failures = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.msg === 'trace export failed; spans are being dropped');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: 'warn' });
    expect(String(failures[0]?.error)).not.toBe('');
  }, 60_000);
});

describe('tracing turned on by the OTEL variables with a protocol the gateway does not speak', () => {
  it('says so at start, and which protocol it exports with instead', async () => {
    const lines: string[] = [];
    const restore = redirectLog({ write: (line: string) => lines.push(line) });
    const harness = await GatewayHarness.start({
      config: { providers: [], models: [] },
      env: {
        AMG_LOG_LEVEL: undefined,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      },
    });
    try {
      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(
        entries.find((entry) => entry.msg === 'OTLP protocol not spoken; exporting over HTTP instead'),
      ).toMatchObject({ level: 'warn', asked: 'grpc', protocol: 'http/protobuf' });
    } finally {
      await harness.close().catch(() => undefined);
      restore();
    }
  });
});

describe('OTEL_EXPORTER_OTLP_ENDPOINT written without its scheme', () => {
  it.each(['otel-collector', 'collector:4318', 'user:pa55w0rd-x@collector:4318'])(
    'starts with tracing off and says why (%s)',
    async (endpoint) => {
      const lines: string[] = [];
      const restore = redirectLog({ write: (line: string) => lines.push(line) });
      vi.stubEnv('AMG_LOG_LEVEL', 'info');
      try {
        const traced = await startTracedGateway(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
        try {
          const reply = await traced.harness
            .openai()
            .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
          expect(reply.choices[0]?.message.content).toBeTruthy();
        } finally {
          await traced.close();
        }
        const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
        expect(entries.find((entry) => entry.msg === 'tracing on')).toBeUndefined();
        expect(entries.filter((entry) => String(entry.msg).startsWith('trace export failed'))).toEqual([]);
        const off = entries.find((entry) => entry.msg === 'tracing off: the OTLP endpoint is not an http(s) URL');
        expect(off).toMatchObject({ level: 'warn', endpoint: expect.stringContaining('collector') });
        expect(lines.join('\n')).not.toContain('pa55w0rd-x');
      } finally {
        vi.unstubAllEnvs();
        restore();
      }
    },
  );
});

describe('stopping with a collector that accepts connections and never answers', () => {
  it('waits a bounded time for the last spans, says so, and stops', async () => {
    const sockets = new Set<Socket>();
    // Reads every request and answers none: each export costs the exporter its whole timeout (10 s).
    const collector = createServer((request) => request.resume());
    collector.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    const lines: string[] = [];
    const restore = redirectLog({ write: (line: string) => lines.push(line) });
    const upstream = await FakeOpenAI.start({ apiKey: 'sk-up' });
    try {
      const harness = await GatewayHarness.start({
        config: {
          providers: [fakeProvider('primary', upstream.baseUrl, 'sk-up')],
          models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
          telemetry: { otlp: { endpoint: `http://127.0.0.1:${port}`, sample_ratio: 1 } },
        },
        env: { AMG_LOG_LEVEL: undefined },
      });
      await harness.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
      const started = Date.now();
      await harness.close();
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(TRACE_FLUSH_WAIT_MS - 100);
      expect(took).toBeLessThan(TRACE_FLUSH_WAIT_MS + 3_000);
      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(
        entries.find((entry) => entry.msg === 'the last spans were not exported: the collector did not answer in time'),
      ).toMatchObject({ level: 'warn', waited_ms: TRACE_FLUSH_WAIT_MS });
    } finally {
      restore();
      await upstream.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => collector.close(resolve));
    }
  }, 30_000);
});

describe('a collector that refuses exports and then comes back', () => {
  it('counts the spans dropped and exported in /metrics, and logs the recovery once', async () => {
    let refusing = true;
    const collector = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(refusing ? 500 : 200, { 'content-type': 'application/x-protobuf' });
        response.end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    const lines: string[] = [];
    const restore = redirectLog({ write: (line: string) => lines.push(line) });
    // The recovery is an info line; the test run's logs are at warn otherwise.
    vi.stubEnv('AMG_LOG_LEVEL', 'info');
    const traced = await startTracedGateway(`http://127.0.0.1:${port}`);
    const { harness } = traced;
    try {
      const ask = () =>
        harness.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
      for (let i = 0; i < 3; i++) {
        await ask();
        await harness.gateway.observability.flushTraces().catch(() => undefined);
      }
      let { families } = await scrape(harness.url);
      // Each request is a server span and one attempt span.
      expect(sampleValue(families, 'amg_trace_spans_dropped_total')).toBe(6);
      expect(sampleValue(families, 'amg_trace_spans_exported_total')).toBe(0);

      refusing = false;
      await ask();
      await harness.gateway.observability.flushTraces();
      ({ families } = await scrape(harness.url));
      expect(sampleValue(families, 'amg_trace_spans_exported_total')).toBe(2);
      expect(sampleValue(families, 'amg_trace_spans_dropped_total')).toBe(6);

      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(entries.filter((entry) => entry.msg === 'trace export failed; spans are being dropped')).toHaveLength(1);
      expect(entries.filter((entry) => entry.msg === 'trace export recovered')).toEqual([
        expect.objectContaining({ level: 'info', failures_since_last_line: 2 }),
      ]);
    } finally {
      await traced.close();
      vi.unstubAllEnvs();
      restore();
      await new Promise((resolve) => collector.close(resolve));
    }
  }, 30_000);
});
