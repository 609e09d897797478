import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { redirectLog } from '../../src/server/log.js';
import type { GatewayHarness } from '../support/gateway-harness.js';
import { sampleValue, scrape } from '../support/prometheus.js';
import { startTracedGateway } from '../support/traced-gateway.js';

type Answer = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Collectors that misbehave the ways real ones do under load: shedding with 503 or 429 and a Retry-After, and
 * resetting the connection. The exporter retries what it is asked to retry within its timeout, drops (and counts)
 * what it cannot deliver, logs it at most once a minute, and never lets a failed export surface as an unhandled
 * rejection; requests are served meanwhile.
 */
describe('trace export to a collector that sheds load or resets', () => {
  const answers: Answer[] = [];
  const received: number[] = [];
  const sockets = new Set<Socket>();
  const lines: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let collector: ReturnType<typeof createServer>;
  let traced: Awaited<ReturnType<typeof startTracedGateway>>;
  let harness: GatewayHarness;
  let restore: () => void;

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    collector = createServer((request, response) => {
      received.push(Date.now());
      request.resume();
      request.on('end', () => {
        const answer = answers.shift() ?? ((_, res) => res.writeHead(200).end());
        answer(request, response);
      });
    });
    collector.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    restore = redirectLog({ write: (line: string) => lines.push(line) });
    // The recovery is an info line; the test run's logs are at warn otherwise.
    vi.stubEnv('AMG_LOG_LEVEL', 'info');
    // A 5 s export timeout (10 s by default) bounds the retries of a resetting collector, and so this test; the
    // official exporter reads it from the process's environment.
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', '5000');
    traced = await startTracedGateway(`http://127.0.0.1:${port}`);
    harness = traced.harness;
  });
  afterAll(async () => {
    await traced.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => collector.close(resolve));
    vi.unstubAllEnvs();
    restore();
    process.off('unhandledRejection', onUnhandled);
  });
  beforeEach(() => {
    answers.length = 0;
    received.length = 0;
  });

  /** One request's spans (a server span and one attempt span) handed to the collector, and /metrics after. */
  async function exportOne(): Promise<{ exported: number; dropped: number }> {
    const reply = await harness
      .openai()
      .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    expect(reply.choices[0]?.message.content).toBeTruthy();
    await harness.gateway.observability.flushTraces().catch(() => undefined);
    const { families } = await scrape(harness.url);
    return {
      exported: sampleValue(families, 'amg_trace_spans_exported_total') ?? Number.NaN,
      dropped: sampleValue(families, 'amg_trace_spans_dropped_total') ?? Number.NaN,
    };
  }

  /** Counts before and after one request's spans exported through the collector's `scripted` answers. */
  async function exportThrough(...scripted: Answer[]) {
    const before = await exportOne();
    received.length = 0;
    answers.push(...scripted);
    return { before, after: await exportOne() };
  }

  it('waits the Retry-After of a 503 and delivers the batch on the retry', async () => {
    const { before, after } = await exportThrough((_, res) => res.writeHead(503, { 'retry-after': '1' }).end());
    expect(received).toHaveLength(2);
    expect((received[1] as number) - (received[0] as number)).toBeGreaterThanOrEqual(900);
    expect(after).toEqual({ exported: before.exported + 2, dropped: before.dropped });
  });

  it('drops and counts a batch at once when a 429 asks for longer than the export timeout', async () => {
    const { before, after } = await exportThrough((_, res) => res.writeHead(429, { 'retry-after': '3600' }).end());
    // Asked to come back in an hour: no retry within the export's timeout, the batch is lost and counted.
    expect(received).toHaveLength(1);
    expect(after).toEqual({ exported: before.exported, dropped: before.dropped + 2 });
  });

  it('retries a reset connection, drops what still fails, logs once, and nothing goes unhandled', async () => {
    const reset: Answer = (request) => request.socket.destroy();
    const { before, after: recovered } = await exportThrough(reset, reset);
    expect(received).toHaveLength(3);
    expect(recovered).toEqual({ exported: before.exported + 2, dropped: before.dropped });

    // Every try reset: the exporter gives up after its retries (at most its timeout), the spans are counted.
    answers.push(...Array.from({ length: 10 }, () => reset));
    const lost = await exportOne();
    expect(lost).toEqual({ exported: recovered.exported, dropped: recovered.dropped + 2 });
    answers.length = 0;
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    // One line per outage, whatever its number of failed tries: the 429's, then (after the recovery line the next
    // export brought) the resets'. Each says what the collector did.
    const said = entries
      .filter((entry) => String(entry.msg).startsWith('trace export '))
      .map((entry) => [entry.msg, entry.status ?? entry.error]);
    expect(said).toEqual([
      ['trace export failed; spans are being dropped', 429],
      ['trace export recovered', undefined],
      ['trace export failed; spans are being dropped', 'other side closed'],
    ]);
    expect(unhandled).toEqual([]);
  }, 30_000);
});
