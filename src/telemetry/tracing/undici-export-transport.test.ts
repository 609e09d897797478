import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CancelSignal } from '../../upstream/cancel-signal.js';
import { UndiciExportTransport } from './undici-export-transport.js';

const servers: Server[] = [];
const transports: UndiciExportTransport[] = [];
afterEach(async () => {
  for (const transport of transports.splice(0)) transport.shutdown();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function transportTo(handler: Parameters<typeof createServer>[1]): Promise<UndiciExportTransport> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const transport = new UndiciExportTransport({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    headers: async () => ({ 'Content-Type': 'application/x-protobuf', 'X-Tenant': 'blue' }),
    compression: 'none',
    userAgent: undefined,
  } as never);
  transports.push(transport);
  return transport;
}

type RequestOptions = Record<string, unknown> & { headers: Record<string, string> };

describe('the undici export transport', () => {
  it("sends with the proxy's request shape: its option keys in order, a CancelSignal, lower-case header names", async () => {
    const transport = await transportTo((_request, response) => response.end('ok'));
    const pool = (transport as unknown as { pool: { request(options: RequestOptions): Promise<unknown> } }).pool;
    const seen: RequestOptions[] = [];
    const request = pool.request.bind(pool);
    pool.request = (options) => {
      seen.push(options);
      return request(options);
    };
    const answer = await transport.send(Buffer.from([1]), 5_000);
    expect(answer).toEqual({ status: 'success', data: Buffer.from('ok') });
    // The keys and order of proxyToUpstream's request (src/api/shared/proxy.ts).
    expect(Object.keys(seen[0] ?? {})).toEqual([
      'path',
      'method',
      'headers',
      'body',
      'headersTimeout',
      'bodyTimeout',
      'signal',
    ]);
    expect(seen[0]?.signal).toBeInstanceOf(CancelSignal);
    expect(Object.keys(seen[0]?.headers ?? {})).toEqual(['content-type', 'x-tenant', 'user-agent']);
  });

  it('answers retryable "Request timed out" when the answer stalls past the timeout, body included', async () => {
    const transport = await transportTo((_request, response) => {
      response.writeHead(200);
      response.write('partial');
    });
    const answer = await transport.send(Buffer.from([1]), 200);
    expect(answer).toMatchObject({ status: 'retryable', error: { message: 'Request timed out' } });
  });

  it('fails an answer over 4 MiB without reading the rest', async () => {
    const transport = await transportTo((_request, response) => {
      response.writeHead(200);
      response.end(Buffer.alloc(4 * 1024 * 1024 + 1));
    });
    const answer = await transport.send(Buffer.from([1]), 5_000);
    expect(answer).toMatchObject({ status: 'failure', error: { message: expect.stringMatching(/size limit/) } });
  });
});
