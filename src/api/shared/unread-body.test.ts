import { createServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { discardUnreadBody } from './unread-body.js';

function fakeRequest() {
  const req = Object.assign(new PassThrough(), { complete: false, socket: { destroyed: false, destroy() {} } });
  req.socket.destroy = () => {
    req.socket.destroyed = true;
  };
  return req;
}

describe('discardUnreadBody', () => {
  it('reads the rest of the body to its end and keeps the connection', async () => {
    const req = fakeRequest();
    discardUnreadBody(req as unknown as IncomingMessage, 1024);
    req.end(Buffer.alloc(4096));
    await new Promise((resolve) => req.once('end', resolve));
    expect(req.socket.destroyed).toBe(false);
  });

  it('drops the connection once the client sends more than it is worth reading', async () => {
    const req = fakeRequest();
    discardUnreadBody(req as unknown as IncomingMessage, 1024);
    req.write(Buffer.allocUnsafe(17 * 1024 * 1024));
    await new Promise((resolve) => setImmediate(resolve));
    expect(req.socket.destroyed).toBe(true);
  });
});

/** A server that answers 401 at once and discards the body; `onRequest` sees each request as it arrives. */
async function refusingServer(limit: number, waitMs: number, onRequest: () => void = () => undefined) {
  const server = createServer((req, res) => {
    onRequest();
    discardUnreadBody(req, limit, res, waitMs);
    res.writeHead(401, { 'content-type': 'application/json', 'content-length': 2 });
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

const head = (length: number) =>
  `POST /x HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('discardUnreadBody on a real connection', () => {
  it('does not cut off a body that arrived in time but was read late, so the next request on it is answered', async () => {
    let client: Socket | undefined;
    let requests = 0;
    const { server, port } = await refusingServer(1024, 50, () => {
      requests++;
      // The rest of the body goes out, then the loop is busy past the deadline: when it comes back, the
      // deadline's timer and the bytes that ended the body are both due.
      if (requests !== 1) return;
      // In the check phase: the next turn of the loop starts with its timers, before it reads the socket.
      setTimeout(
        () =>
          setImmediate(() => {
            client?.write('0123456789');
            busyFor(100);
          }),
        20,
      );
    });
    try {
      client = connect(port, '127.0.0.1');
      let received = '';
      client.on('data', (chunk) => {
        received += chunk;
      });
      const closed = new Promise((resolve) => client?.once('close', resolve));
      client.write(head(10));
      await new Promise((resolve) => setTimeout(resolve, 300));
      client.write(`${head(2)}{}`);
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 300))]);
      expect(received.match(/HTTP\/1\.1 401/g)).toHaveLength(2);
      expect(client.destroyed).toBe(false);
    } finally {
      client?.destroy();
      server.close();
    }
  });

  it('says Connection: close when the body is declared over the limit, and reads the rest before closing', async () => {
    const { server, port } = await refusingServer(1024, 5_000);
    try {
      const client = connect(port, '127.0.0.1');
      let received = '';
      client.on('data', (chunk) => {
        received += chunk;
      });
      const closed = new Promise((resolve) => client.once('close', resolve));
      client.write(head(64 * 1024));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).toMatch(/^HTTP\/1\.1 401/);
      expect(received.toLowerCase()).toContain('connection: close');
      client.end(Buffer.alloc(64 * 1024));
      await closed;
      expect(received.endsWith('{}')).toBe(true);
    } finally {
      server.close();
    }
  });
});
