import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with how long the gateway took to close the socket, and what it sent before closing. */
function closed(socket: Socket): Promise<{ afterMs: number; received: string }> {
  const started = performance.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  socket.on('error', () => undefined);
  return new Promise((resolve) =>
    socket.once('close', () => resolve({ afterMs: performance.now() - started, received })),
  );
}

/**
 * 2,000 connections sending one byte every 10 s once stayed open, and idle sockets were held for over a minute.
 * Connections are now capped (overall and per address), and a client must send its headers and its whole
 * request within limits.
 */
describe('client connection limits', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        server: {
          connections: {
            max: 50,
            max_per_address: 8,
            headers_timeout_ms: 600,
            request_timeout_ms: 1_200,
            keep_alive_timeout_ms: 500,
          },
        },
        providers: [fakeProvider('oai', upstream.baseUrl, upstream.apiKey)],
        models: [{ name: 'chat', targets: [{ provider: 'oai', model: 'gpt-4o-mini' }] }],
      },
    });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await harness.close();
    await upstream.close();
  });

  it('closes a connection whose body trickles in slower than the request timeout allows', async () => {
    const socket = await open(harness.url);
    sockets.push(socket);
    const done = closed(socket);
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${CLIENT_TOKEN}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n`,
    );
    const trickle = setInterval(() => socket.writable && socket.write('{'), 200);
    const result = await done;
    clearInterval(trickle);
    expect(result.afterMs).toBeLessThan(6_000);
  });

  it('closes a connection that never finishes its headers', async () => {
    const socket = await open(harness.url);
    sockets.push(socket);
    const done = closed(socket);
    socket.write('POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n');
    const trickle = setInterval(() => socket.writable && socket.write('x-slow: 1\r\n'), 100);
    const result = await done;
    clearInterval(trickle);
    expect(result.afterMs).toBeLessThan(6_000);
  });

  it('drops an idle keep-alive connection after the keep-alive timeout', async () => {
    const socket = await open(harness.url);
    sockets.push(socket);
    const done = closed(socket);
    socket.write('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n');
    const result = await done;
    expect(result.received).toMatch(/^HTTP\/1.1 200/);
    expect(result.afterMs).toBeLessThan(6_000);
  });

  it('refuses connections from one address beyond its limit, and serves again once they close', async () => {
    const held = await Promise.all(Array.from({ length: 8 }, () => open(harness.url)));
    sockets.push(...held);
    const extra = await open(harness.url);
    sockets.push(extra);
    const refused = await closed(extra);
    expect(refused.received).toBe('');
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const health = await fetch(`${harness.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('logs no error for clients that hang up during their upload', async () => {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    try {
      for (let i = 0; i < 20; i++) {
        const socket = await open(harness.url);
        socket.write(
          `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${CLIENT_TOKEN}\r\ncontent-length: 100\r\n\r\n{"model":`,
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
        socket.destroy();
      }
      await harness.records(20);
    } finally {
      process.stderr.write = write;
    }
    expect(lines.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });
});

/** Sends one request on an open socket and resolves with the status line of its answer, or `(closed)`. */
function statusOf(socket: Socket, request: string): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString();
      const end = received.indexOf('\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      resolve(received.slice(0, end));
    };
    socket.on('data', onData);
    socket.once('close', () => resolve('(closed)'));
    socket.write(request);
  });
}

/**
 * The per-address limit once counted every connection, so clients behind one NAT shared 256 connections
 * between them. It now counts only connections that have not carried an authenticated request.
 */
describe('the per-address connection limit', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        server: { connections: { max: 100, max_per_address: 4, keep_alive_timeout_ms: 60_000 } },
        providers: [fakeProvider('oai', upstream.baseUrl, upstream.apiKey)],
        models: [{ name: 'chat', targets: [{ provider: 'oai', model: 'gpt-4o-mini' }] }],
      },
    });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await harness.close();
    await upstream.close();
  });

  it('lets authenticated clients on one address hold more connections than the limit, and still caps the rest', async () => {
    const authenticated = `GET /v1/models HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${CLIENT_TOKEN}\r\n\r\n`;
    for (let i = 0; i < 10; i++) {
      const socket = await open(harness.url);
      sockets.push(socket);
      expect(await statusOf(socket, authenticated), `connection ${i + 1}`).toBe('HTTP/1.1 200 OK');
    }
    // A failed token does not take a connection out of the count.
    const refused = await open(harness.url);
    sockets.push(refused);
    const badToken = 'GET /v1/models HTTP/1.1\r\nhost: x\r\nauthorization: Bearer wrong\r\n\r\n';
    expect(await statusOf(refused, badToken)).toBe('HTTP/1.1 401 Unauthorized');
    const idle = await Promise.all(Array.from({ length: 3 }, () => open(harness.url)));
    sockets.push(...idle);
    const extra = await open(harness.url);
    sockets.push(extra);
    expect((await closed(extra)).received).toBe('');
    expect(sockets.filter((socket) => socket !== extra && socket.destroyed).length).toBe(0);
  });
});
