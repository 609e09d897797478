import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { describe, expect, it } from 'vitest';
import { classifyError, describeError } from '../routing/classify.js';
import { CancelSignal } from './cancel-signal.js';

describe('CancelSignal', () => {
  it("gives undici a reason that routing classifies as cancelled, never as the target's failure", () => {
    const signal = new CancelSignal();
    signal.cancel('client-gone');
    expect(signal.cancelReason).toBe('client-gone');
    expect(classifyError(signal.reason)).toBe('cancelled');
    expect(describeError(signal.reason)).toBe('cancelled: the client closed the connection');
  });

  it('keeps the first reason', () => {
    const signal = new CancelSignal();
    signal.cancel('deadline');
    signal.cancel('client-gone');
    expect(signal.cancelReason).toBe('deadline');
  });

  it('calls each abort listener once, in order, and not the ones removed', () => {
    const signal = new CancelSignal();
    const calls: string[] = [];
    const first = () => calls.push('first');
    const removed = () => calls.push('removed');
    signal.once('abort', first);
    signal.on('abort', removed);
    signal.on('abort', () => calls.push(`third, aborted ${signal.aborted}`));
    signal.removeListener('abort', removed);
    signal.cancel('shutdown');
    signal.cancel('deadline');
    expect(calls).toEqual(['first', 'third, aborted true']);
  });

  it('aborts an undici request in flight with its reason', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const pool = new Pool(`http://127.0.0.1:${port}`);
    try {
      const signal = new CancelSignal();
      const request = pool.request({ path: '/', method: 'POST', body: '{}', signal });
      setTimeout(() => signal.cancel('client-gone'), 20);
      const error = await request.then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBe(signal.reason);
      expect(error).toMatchObject({ cancelReason: 'client-gone', code: 'UND_ERR_ABORTED' });
      // undici's listener was removed with the request, or the signal's own on cancel.
      expect((signal as unknown as { listeners: unknown[] }).listeners).toEqual([]);
    } finally {
      await pool.destroy();
      server.closeAllConnections();
      server.close();
    }
  });
});
