import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicStreamEvents } from '../support/anthropic-stream.js';
import { GatewayHarness } from '../support/gateway-harness.js';

const codec = new EventStreamCodec(
  (bytes: Uint8Array) => new TextDecoder().decode(bytes),
  (text: string) => new TextEncoder().encode(text),
);

function frame(type: string, payload: object): Uint8Array {
  const header = (value: string) => ({ type: 'string' as const, value });
  return codec.encode({
    headers: {
      ':event-type': header(type),
      ':content-type': header('application/json'),
      ':message-type': header('event'),
    },
    body: new TextEncoder().encode(JSON.stringify(payload)),
  });
}

type Script = (req: IncomingMessage, res: ServerResponse) => void;

/** An upstream that answers each request with the next script: raw bytes, as a broken service sends them. */
async function scriptedUpstream(): Promise<{ server: Server; origin: string; next: Script[] }> {
  const next: Script[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => (next.shift() ?? ((_, r: ServerResponse) => r.writeHead(500).end()))(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, next };
}

const START = frame('messageStart', { role: 'assistant' });
const DELTA = frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'partial ' } });

/**
 * Cloud upstreams that break on the wire (cut or corrupt Bedrock frames, a reset, a Gemini stream without its
 * final event, a silent upstream, HTML error pages) through the official SDKs: each ends in the client
 * dialect's error with the right status, never a hang, and its record says what happened.
 */
describe('broken cloud upstreams, as the official clients see them', () => {
  let upstream: Awaited<ReturnType<typeof scriptedUpstream>>;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    upstream = await scriptedUpstream();
    gateway = await GatewayHarness.start({
      config: {
        providers: [
          {
            name: 'bed',
            type: 'bedrock',
            base_url: `${upstream.origin}`,
            api_key: 'bedrock-api-key-0123',
            allow_private_network: true,
          },
          {
            name: 'gem',
            type: 'gemini',
            base_url: upstream.origin,
            api_key: 'gem-key-0123',
            allow_private_network: true,
          },
        ],
        models: [
          { name: 'bed', targets: [{ provider: 'bed', model: 'anthropic.claude-x' }] },
          { name: 'gem', targets: [{ provider: 'gem', model: 'gemini-x' }] },
        ],
        routing: { retries: { max_attempts: 1 }, timeout: { first_byte_ms: 1_000, idle_stream_ms: 1_000 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    upstream.server.closeAllConnections();
    await new Promise((resolve) => upstream.server.close(resolve));
  });

  const anthropicStream = (model: string) => anthropicStreamEvents(gateway.anthropic(), model);

  async function openaiCall(model: string) {
    try {
      await gateway.openai().chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
      return undefined;
    } catch (error) {
      return error as Error & { status?: number; error?: unknown };
    }
  }

  it('Bedrock: a truncated event-stream frame ends the stream with an error event', async () => {
    upstream.next.push((_, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
      res.write(START);
      res.write(DELTA);
      res.end(DELTA.slice(0, 20));
    });
    const { events, error } = await anthropicStream('bed');
    expect(events).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
    expect(error?.message).toContain('the event stream ended inside a message');
    const [record] = await gateway.records(1);
    expect(record?.errorMessage).toMatch(/^upstream stream failed after it started: the event stream ended inside/);
  });

  it('Bedrock: a frame with a bad CRC ends the stream with an error event', async () => {
    upstream.next.push((_, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
      res.write(START);
      const bad = Uint8Array.from(DELTA);
      bad[bad.length - 1] = (bad.at(-1) ?? 0) ^ 0xff;
      res.end(bad);
    });
    const { events, error } = await anthropicStream('bed');
    // The good message read with the corrupted one still reaches the client; the error names the corruption.
    expect(events).toEqual(['message_start']);
    expect(error?.message).toContain('an event stream message failed its message checksum');
    const [record] = await gateway.records(1);
    expect(record?.errorMessage).toContain('failed its message checksum');
  });

  it('Bedrock: a connection reset mid-stream', async () => {
    upstream.next.push((_, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
      res.write(START);
      res.write(DELTA, () => setTimeout(() => res.socket?.destroy(), 20));
    });
    const { events, error } = await anthropicStream('bed');
    expect(events).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
    expect(error?.message).toContain('connection reset');
    const [record] = await gateway.records(1);
    expect(record?.errorMessage).toMatch(
      /^upstream stream failed after it started: connection reset \(cut after [1-9]\d* bytes of the response\)$/,
    );
  });

  it('Gemini: an SSE stream cut without its final event', async () => {
    upstream.next.push((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'partial' }] }, index: 0 }] })}\r\n\r\n`,
      );
    });
    const { events, error } = await anthropicStream('gem');
    expect(events).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
    expect(error?.message).toContain('the Gemini stream ended without a finish reason');
    const [record] = await gateway.records(1);
    expect(record?.errorMessage).toMatch(
      /^upstream stream failed: the Gemini stream ended without a finish reason \(cut after [1-9]\d* bytes of the response\)$/,
    );
  });

  for (const [model, status] of [
    ['bed', 502],
    ['gem', 404],
    ['bed', 404],
  ] as const) {
    it(`${model}: an error body that is not JSON (${status})`, async () => {
      upstream.next.push((_, res) => {
        res.writeHead(status, { 'content-type': 'text/html' });
        res.end('<html><body><h1>Bad Gateway</h1></body></html>');
      });
      const error = await openaiCall(model);
      // The upstream's status, in OpenAI's error shape, its body quoted rather than parsed.
      expect(error?.status).toBe(status);
      expect(error?.error).toMatchObject({ type: status >= 500 ? 'server_error' : 'invalid_request_error' });
      const [record] = await gateway.records(1);
      expect(record?.status).toBe(status);
      if (status === 404) {
        // A wrong path or region: said so in words, not the page's markup.
        const said =
          "the upstream answered 404 with a text/html body, not an API error (check the provider's base_url, region and the model id): Bad Gateway";
        expect(error?.message).toContain(said);
        expect(record?.errorMessage).toBe(said);
      } else {
        // A load balancer's page: said in words, not its markup (the attempt's detail, quoted by the message).
        const said = 'the upstream answered 502 with a text/html body, not an API error: Bad Gateway';
        expect(error?.message).toContain(said);
        expect(error?.message).not.toContain('<');
        expect(record?.errorMessage).toContain(said);
        expect(record?.attempts[0]?.error).toBe(said);
      }
    });
  }

  it('Gemini: no first byte within the route limit ends in a timeout error, not a hang', async () => {
    upstream.next.push(() => undefined);
    const started = Date.now();
    const error = await openaiCall('gem');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error?.status).toBe(504);
    expect(error?.message).toContain('the only target failed: gem (timeout: timed out waiting for the first byte)');
    const [record] = await gateway.records(1);
    expect(record?.status).toBe(504);
    expect(record?.attempts[0]?.errorClass).toBe('timeout');
  });
});
