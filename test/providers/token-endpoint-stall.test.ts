import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAzureOpenAI } from '../fakes/fake-azure-openai.js';
import { FakeVertex } from '../fakes/fake-vertex.js';
import { GatewayHarness } from '../support/gateway-harness.js';

const AZURE_KEY = 'azure-resource-key-0123456789';
const FIRST_BYTE_MS = 400;

/** A token endpoint that takes requests and never answers them (a stalled identity provider). */
async function stalledTokenEndpoint(): Promise<{ server: Server; url: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((request) => {
    requests.push(request);
    request.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/contoso/oauth2/v2.0/token`, requests };
}

/**
 * Entra's token endpoint stalls: every request waiting for a token gives up at the route's first-byte limit
 * (not the token fetch's own 10 s) and falls back, while the endpoint sees one token request, not one a request.
 */
describe('an Entra token endpoint that never answers', () => {
  let tokens: Awaited<ReturnType<typeof stalledTokenEndpoint>>;
  let fallback: FakeAzureOpenAI;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    tokens = await stalledTokenEndpoint();
    fallback = await FakeAzureOpenAI.start({ apiKey: AZURE_KEY });
    gateway = await GatewayHarness.start({
      env: { AZURE_OPENAI_API_KEY: AZURE_KEY },
      config: {
        providers: [
          {
            name: 'az-entra',
            type: 'azure-openai',
            base_url: 'http://127.0.0.1:9/',
            allow_private_network: true,
            entra: {
              tenant_id: 'contoso',
              client_id: 'app',
              client_secret: 'entra-secret-0123',
              token_url: tokens.url,
            },
          },
          { name: 'az', type: 'azure-openai', base_url: fallback.endpoint, allow_private_network: true },
        ],
        models: [
          {
            name: 'gpt-chain',
            targets: [
              { provider: 'az-entra', model: 'gpt4o-eu' },
              { provider: 'az', model: 'gpt4o-prod' },
            ],
          },
        ],
        routing: { retries: { max_attempts: 1 }, timeout: { first_byte_ms: FIRST_BYTE_MS } },
      },
    });
  });
  afterAll(async () => {
    await fallback.close();
    tokens.server.closeAllConnections();
    await new Promise((resolve) => tokens.server.close(resolve));
  });

  it('falls back at the first-byte limit for every waiting request, with one token request in flight', async () => {
    for (let i = 0; i < 4; i++) fallback.enqueue({ kind: 'reply', text: 'served by the fallback' });
    const started = Date.now();
    const [chat, message] = await Promise.all([
      Promise.all(
        [1, 2, 3].map(() =>
          gateway.openai().chat.completions.create({ model: 'gpt-chain', messages: [{ role: 'user', content: 'hi' }] }),
        ),
      ),
      gateway
        .anthropic()
        .messages.create({ model: 'gpt-chain', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
    ]);
    const elapsed = Date.now() - started;
    expect(chat.map((a) => a.choices[0]?.message.content)).toEqual(Array(3).fill('served by the fallback'));
    expect(message.content).toEqual([{ type: 'text', text: 'served by the fallback' }]);
    // Well before the token fetch's own 10 s limit (generous for a loaded machine).
    expect(elapsed).toBeLessThan(6_000);
    expect(tokens.requests).toHaveLength(1);
    const records = await gateway.records(4);
    for (const record of records) {
      expect(record.attempts.map((a) => [a.provider, a.errorClass ?? null])).toEqual([
        ['az-entra', 'timeout'],
        ['az', null],
      ]);
      expect(record.attempts[0]?.error).toContain('no access token from the token endpoint');
      expect(record.routeMode).toBe('fallback');
    }
  });

  it('shuts down without waiting for the token request still in flight', async () => {
    // The token fetch started above is still stalled (its own limit is 10 s).
    expect(tokens.requests).toHaveLength(1);
    const started = Date.now();
    await gateway.close();
    expect(Date.now() - started).toBeLessThan(6_000);
  });
});

/** Vertex's token endpoint stalls and the client gives up: the request ends with it, not 10 s later. */
describe('a Google token endpoint that never answers, and a client that hangs up', () => {
  it('ends the wait for the token when the client leaves, and records the request at once', async () => {
    const tokens = await stalledTokenEndpoint();
    const vertex = await FakeVertex.start();
    const gateway = await GatewayHarness.start({
      config: {
        providers: [vertex.providerEntry('vx', { token_url: tokens.url })],
        models: [{ name: 'claude-vx', targets: [{ provider: 'vx', model: 'claude-sonnet-4-5@20250929' }] }],
        // The default first-byte limit (30 s): only the client's hang-up can end this wait early.
        routing: { retries: { max_attempts: 1 } },
      },
    });
    try {
      const controller = new AbortController();
      const asked = gateway
        .anthropic()
        .messages.create(
          { model: 'claude-vx', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] },
          { signal: controller.signal },
        )
        .catch((error: unknown) => error);
      for (let i = 0; i < 100 && tokens.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(tokens.requests).toHaveLength(1);
      controller.abort();
      await asked;
      // Within 3 s: the token fetch's own limit is 10 s, which the request no longer waits out.
      const [record] = await gateway.records(1, 3_000);
      expect(record).toMatchObject({ status: 499, errorCode: 'GW_ERR_CLIENT_CLOSED' });
      expect(vertex.requests.filter((r) => r.path.includes(':rawPredict'))).toHaveLength(0);
    } finally {
      await gateway.close();
      await vertex.close();
      tokens.server.closeAllConnections();
      await new Promise((resolve) => tokens.server.close(resolve));
    }
  });
});
