import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

const MiB = 1024 * 1024;

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Sends a chunked body in 64 KiB chunks, without end, until the gateway closes the connection or `maxBytes` were
 * written; resolves with what came back and how much was sent.
 */
async function endlessChunkedUpload(url: string, head: string, maxBytes: number) {
  const socket = await open(url);
  let received = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  socket.on('error', () => undefined);
  socket.once('close', () => {
    closed = true;
  });
  socket.write(head);
  const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000, 0x61), Buffer.from('\r\n')]);
  let sent = 0;
  while (!closed && sent < maxBytes) {
    if (!socket.write(chunk)) await new Promise((resolve) => setTimeout(resolve, 2));
    sent += 0x10000;
  }
  const wasClosed = closed;
  socket.destroy();
  return { received, closed: wasClosed, sent };
}

/**
 * After refusing an admin request for its credentials, the gateway used to read a chunked body for as long as the
 * client kept sending it. The refusal is now sent at once and the rest of the body read up to a bound, as the
 * data plane does: the client sees the 401, and the connection is dropped past the bound.
 */
describe('a refused admin request with a body', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('oai', upstream.baseUrl, upstream.apiKey)],
        models: [{ name: 'chat', targets: [{ provider: 'oai', model: 'gpt-4o-mini' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  it('answers 401 and stops reading an endless chunked body after a bounded amount', async () => {
    const head =
      'POST /admin/api/config/validate HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n' +
      'transfer-encoding: chunked\r\n\r\n';
    const result = await endlessChunkedUpload(harness.adminUrl, head, 96 * MiB);
    expect(result.received).toMatch(/^HTTP\/1.1 401/);
    expect(result.received).toContain('GW_ERR_ADMIN_AUTH_MISSING');
    expect(result.closed).toBe(true);
    expect(result.sent).toBeLessThan(48 * MiB);
  }, 60_000);

  it('reads a short refused body to its end, so the client gets the 401 on a connection it can reuse', async () => {
    const socket = await open(harness.adminUrl);
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    const body = JSON.stringify({ yaml: 'x'.repeat(200_000) });
    socket.write(
      `POST /admin/api/config/validate HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nauthorization: Bearer wrong\r\ntransfer-encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    );
    socket.write('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n');
    const deadline = Date.now() + 10_000;
    while (!/HTTP\/1.1 200/.test(received) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1.1 401/);
    expect(received).toMatch(/HTTP\/1.1 200/);
  });
});
