import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

const LIMIT = 256 * 1024;

/** Writes a chunk and waits until the socket takes more; rejects on the socket's error (EPIPE, ECONNRESET). */
function write(socket: Socket, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * Uploads an over-limit body over a raw socket with `Connection: close`, in chunks, as a client that does not read
 * until it has sent everything; resolves with what it read back after, or the error that stopped it.
 */
async function uploadThenRead(port: number, bodyBytes: number): Promise<{ answer: string; error?: string }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let answer = '';
  let socketError: string | undefined;
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
  socket.on('error', (error: NodeJS.ErrnoException) => (socketError ??= error.code ?? error.message));
  const head =
    'POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n' +
    `authorization: Bearer ${CLIENT_TOKEN}\r\ncontent-type: application/json\r\ncontent-length: ${bodyBytes}\r\n\r\n`;
  try {
    await write(socket, Buffer.from(head));
    const chunk = Buffer.alloc(16 * 1024, 'x');
    for (let sent = 0; sent < bodyBytes; sent += chunk.length) {
      await write(socket, chunk.subarray(0, Math.min(chunk.length, bodyBytes - sent)));
      // A client still busy producing its body: the gateway has long answered by the last chunks.
      if (sent % (128 * 1024) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } catch (error) {
    socketError ??= (error as NodeJS.ErrnoException).code ?? String(error);
  }
  await new Promise((resolve) => {
    if (socket.destroyed) resolve(undefined);
    socket.once('close', resolve);
    setTimeout(resolve, 5_000).unref();
  });
  socket.destroy();
  return { answer, ...(socketError ? { error: socketError } : {}) };
}

/** `Connection: close` with an over-limit body still in flight: the client reads the 413, not EPIPE or a reset. */
describe('an over-limit upload with Connection: close', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        server: { max_body_size: LIMIT },
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  it('answers 413 and closes only after the body is drained', async () => {
    const port = Number(new URL(harness.url).port);
    for (let round = 0; round < 3; round++) {
      const { answer, error } = await uploadThenRead(port, 4 * LIMIT);
      expect(error, `round ${round}`).toBeUndefined();
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).toMatch(/connection: close/i);
      expect(answer).toContain('"code":"GW_ERR_REQUEST_TOO_LARGE"');
    }
    expect(upstream.requests).toHaveLength(0);
  });
});
