import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/telemetry/request-record.js';
import { CLIENT_TOKEN } from '../support/gateway-harness.js';
import { withOneUpstream } from '../support/reliability-harness.js';

/**
 * Slow clients (slowloris headers, a body trickled a byte at a time) are answered 408 when their time runs out.
 * The record says what the client read: one record, 408 GW_ERR_HTTP_REQUEST_TIMEOUT, not the 400 "ended
 * mid-request" that the closing connection raises after the answer.
 */
describe('slow clients', () => {
  const setup = withOneUpstream({ server: { connections: { headers_timeout_ms: 800, request_timeout_ms: 1_200 } } });
  const body = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });

  /** Writes `start`, then `drip` one byte every 200 ms until the gateway closes; resolves with what it answered. */
  const slowly = (start: string, drip: string): Promise<string> => {
    const { port } = new URL(setup.harness.url);
    return new Promise((resolve) => {
      const socket: Socket = connect(Number(port), '127.0.0.1', () => socket.write(start));
      let received = '';
      let sent = 0;
      const timer = setInterval(() => {
        if (socket.writable) socket.write(drip[sent++ % drip.length] as string);
      }, 200);
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve(received);
      });
      setTimeout(() => socket.destroy(), 8_000).unref();
    });
  };

  const recordsSince = async (since: number): Promise<RequestRecord[]> => {
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // past the answered socket's own close
    await setup.harness.gateway.telemetry.flush();
    return (await setup.harness.gateway.store.listRequests({ limit: 100 })).filter((r) => r.time >= since);
  };

  it.each([
    ['/v1/chat/completions', `authorization: Bearer ${CLIENT_TOKEN}`, 'chat.completions'],
    ['/v1/messages', `x-api-key: ${CLIENT_TOKEN}\r\nanthropic-version: 2023-06-01`, 'messages'],
  ])(
    'records a body trickled past request_timeout_ms on %s as the 408 the client read',
    async (path, auth, entryPoint) => {
      const since = Date.now();
      const answer = await slowly(
        `POST ${path} HTTP/1.1\r\nhost: x\r\n${auth}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
        body,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      const id = /x-request-id: (\S+)/.exec(answer)?.[1];
      const records = await recordsSince(since);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ id, entryPoint, status: 408, errorCode: 'GW_ERR_HTTP_REQUEST_TIMEOUT' });
    },
  );

  it('writes one record for slowloris headers, the 408', async () => {
    const since = Date.now();
    const answer = await slowly('POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n', 'x-pad: y\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    const records = await recordsSince(since);
    expect(records.map((r) => [r.status, r.errorCode])).toEqual([[408, 'GW_ERR_HTTP_REQUEST_TIMEOUT']]);
  });
});
