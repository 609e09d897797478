import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/** Sends raw bytes and resolves with everything the gateway sent back before closing the connection. */
function exchange(url: string, bytes: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(received));
    setTimeout(() => socket.destroy(), 10_000).unref();
  });
}

function parse(answer: string): { status: number; headers: string; body: Record<string, any> } {
  const split = answer.indexOf('\r\n\r\n');
  const head = answer.slice(0, split);
  return {
    status: Number(head.split(' ')[1]),
    headers: head.toLowerCase(),
    body: JSON.parse(answer.slice(split + 4)) as Record<string, any>,
  };
}

/**
 * Requests Node's HTTP parser refuses never reach a handler. They were answered in Fastify's or Node's own shape
 * and left no telemetry record; now they get the dialect's JSON error shape, a correct status and a record.
 */
describe('requests the HTTP parser refuses', () => {
  for (const adminListen of [undefined, '127.0.0.1:0']) {
    describe(adminListen ? 'with a separate admin listener' : 'on one listener', () => {
      let upstream: FakeOpenAI;
      let harness: GatewayHarness;

      beforeAll(async () => {
        upstream = await FakeOpenAI.start();
        harness = await GatewayHarness.start({
          config: {
            providers: [fakeProvider('oai', upstream.baseUrl, upstream.apiKey)],
            models: [{ name: 'chat', targets: [{ provider: 'oai', model: 'gpt-4o-mini' }] }],
          },
          ...(adminListen ? { adminListen } : {}),
        });
      });
      afterAll(async () => {
        await harness.close();
        await upstream.close();
      });

      it('answers a malformed request line with an OpenAI-shaped 400 and records it', async () => {
        const answer = parse(await exchange(harness.url, 'GET /v1/models HTTP/9.Z\r\nhost: x\r\n\r\n'));
        expect(answer.status).toBe(400);
        expect(answer.headers).toContain('content-type: application/json');
        expect(answer.headers).toContain('x-gateway-error: gw_err_http_malformed');
        expect(answer.body.error.type).toBe('invalid_request_error');
        expect(answer.body.error.message).toMatch(/not valid HTTP\/1.1/);
        const records = await harness.records(1);
        expect(records.find((r) => r.errorCode === 'GW_ERR_HTTP_MALFORMED')).toMatchObject({
          entryPoint: 'unknown',
          status: 400,
        });
      });

      it('answers headers over the limit with a 431 in the Anthropic shape on /v1/messages', async () => {
        const raw = `POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-filler: ${'a'.repeat(20_000)}\r\n\r\n`;
        const answer = parse(await exchange(harness.url, raw));
        expect(answer.status).toBe(431);
        expect(answer.body.type).toBe('error');
        expect(answer.body.error.type).toBe('invalid_request_error');
        const records = await harness.records(2);
        expect(records.find((r) => r.errorCode === 'GW_ERR_HTTP_HEADERS_TOO_LARGE')).toMatchObject({
          entryPoint: 'unknown',
          status: 431,
          path: '/v1/messages',
        });
      });

      it('answers a chunked body with broken framing as the request it belongs to', async () => {
        const raw =
          `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${CLIENT_TOKEN}\r\n` +
          'content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"mod\r\nzz\r\n';
        const answer = parse(await exchange(harness.url, raw));
        expect(answer.status).toBe(400);
        expect(answer.body.error.message).toMatch(/chunk/);
        const records = await harness.records(3);
        expect(records.find((r) => r.entryPoint === 'chat.completions')).toMatchObject({
          status: 400,
          errorCode: 'GW_ERR_HTTP_MALFORMED',
          client: 'test-client',
        });
      });

      it('samples the records of a flood of malformed requests from one address, as other refusals', async () => {
        await Promise.all(Array.from({ length: 40 }, () => exchange(harness.url, 'BREW / HTCPCP/1.0\r\n\r\n')));
        const records = await harness.records(1);
        const malformed = records.filter((r) => r.errorCode === 'GW_ERR_HTTP_MALFORMED');
        expect(malformed.length).toBeGreaterThan(0);
        expect(malformed.length).toBeLessThanOrEqual(20);
      });

      it('answers a bad header on the admin API in JSON too', async () => {
        const answer = parse(
          await exchange(harness.adminUrl, 'GET /admin/api/status HTTP/1.1\r\nbad header: 1\r\n\r\n'),
        );
        expect(answer.status).toBe(400);
        expect(answer.body.error.code ?? answer.body.error.type).toBeDefined();
      });
    });
  }
});
