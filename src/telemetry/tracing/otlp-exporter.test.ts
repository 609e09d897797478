import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { protobufTraceExporter } from './otlp-exporter.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A collector answering each export with the next of `answers` (status, headers), then 200. */
async function collector(answers: Array<[number, Record<string, string>?]> = []): Promise<{
  url: string;
  received: Received[];
  server: Server;
}> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks) });
      const [status, headers] = answers.shift() ?? [200];
      response.writeHead(status, { 'content-type': 'application/x-protobuf', ...headers }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, received, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

function exportOnce(url: string, bytes: Uint8Array, headers: Record<string, string> = {}): Promise<ExportResult> {
  const exporter = protobufTraceExporter({ url, headers });
  return new Promise<ExportResult>((resolve) => exporter.export({ bytes, spanCount: 2 }, resolve)).finally(() =>
    exporter.shutdown(),
  );
}

describe('the OTLP/HTTP protobuf exporter', () => {
  it('sends a plain-HTTP collector its batches through undici, never through node:http', async () => {
    const { url, received, server } = await collector();
    servers.push(server);
    const nodeHttp: unknown[] = [];
    const undici: unknown[] = [];
    const onNodeHttp = (message: unknown) => nodeHttp.push(message);
    const onUndici = (message: unknown) => undici.push(message);
    subscribe('http.client.request.start', onNodeHttp);
    subscribe('undici:request:create', onUndici);
    try {
      const result = await exportOnce(url, Buffer.from([1, 2, 3]), { 'x-tenant': 'blue' });
      expect(result.code).toBe(ExportResultCode.SUCCESS);
    } finally {
      unsubscribe('http.client.request.start', onNodeHttp);
      unsubscribe('undici:request:create', onUndici);
    }
    expect(nodeHttp).toHaveLength(0);
    expect(undici).toHaveLength(1);
    // What the official transport sends: the body as given, its content type and user agent, the configured headers.
    expect(received).toHaveLength(1);
    expect([...(received[0]?.body ?? [])]).toEqual([1, 2, 3]);
    expect(received[0]?.headers).toMatchObject({
      'content-type': 'application/x-protobuf',
      'user-agent': expect.stringMatching(/^OTel-OTLP-Exporter-JavaScript\//),
      'x-tenant': 'blue',
    });
  });

  it('retries what a collector asks to be retried (after its Retry-After), and not what it refuses', async () => {
    const { url, received, server } = await collector([[503, { 'retry-after': '0' }], [200]]);
    servers.push(server);
    expect((await exportOnce(url, Buffer.from([9]))).code).toBe(ExportResultCode.SUCCESS);
    expect(received).toHaveLength(2);

    const refusing = await collector([[400]]);
    servers.push(refusing.server);
    const refused = await exportOnce(refusing.url, Buffer.from([9]));
    expect(refused.code).toBe(ExportResultCode.FAILED);
    expect(refused.error).toMatchObject({ code: 400, message: 'Bad Request' });
    expect(refusing.received).toHaveLength(1);
  });

  it('compresses with gzip when OTEL_EXPORTER_OTLP_COMPRESSION asks', async () => {
    const { url, received, server } = await collector();
    servers.push(server);
    process.env.OTEL_EXPORTER_OTLP_COMPRESSION = 'gzip';
    try {
      expect((await exportOnce(url, Buffer.from('spans'))).code).toBe(ExportResultCode.SUCCESS);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_COMPRESSION;
    }
    expect(received[0]?.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(received[0]?.body ?? Buffer.alloc(0)).toString()).toBe('spans');
  });
});
