import type { IncomingMessage } from 'node:http';
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
