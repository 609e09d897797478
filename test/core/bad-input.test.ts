import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

describe('bad input gets a clear OpenAI-shaped error, the right status, and a telemetry record', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        server: { max_body_size: '64KiB' },
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [{ name: 'gpt-4o-mini', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  async function send(method: string, path: string, body?: string, token: string | null = CLIENT_TOKEN) {
    const response = await fetch(`${harness.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: JSON.parse(text) };
  }

  const cases: Array<[string, string, string, string | undefined, string | null, number, RegExp]> = [
    ['malformed JSON', 'POST', '/v1/chat/completions', '{"model": "gpt-4o-mini",', CLIENT_TOKEN, 400, /not valid JSON/],
    [
      'a body that is not an object',
      'POST',
      '/v1/chat/completions',
      '[1,2]',
      CLIENT_TOKEN,
      400,
      /must be a JSON object/,
    ],
    ['a missing model', 'POST', '/v1/chat/completions', '{"messages":[]}', CLIENT_TOKEN, 400, /provide a model/],
    [
      'a model of the wrong type',
      'POST',
      '/v1/chat/completions',
      '{"model":42}',
      CLIENT_TOKEN,
      400,
      /model must be a string/,
    ],
    [
      'stream of the wrong type',
      'POST',
      '/v1/chat/completions',
      '{"model":"gpt-4o-mini","stream":"yes"}',
      CLIENT_TOKEN,
      400,
      /stream must be a boolean/,
    ],
    [
      'an unknown model',
      'POST',
      '/v1/chat/completions',
      '{"model":"gpt-9"}',
      CLIENT_TOKEN,
      404,
      /model "gpt-9" does not exist/,
    ],
    ['a wrong method', 'DELETE', '/v1/chat/completions', undefined, CLIENT_TOKEN, 405, /method DELETE is not allowed/],
    ['an unknown route', 'POST', '/v1/completions-typo', '{}', CLIENT_TOKEN, 404, /no route for POST/],
    ['a missing token', 'POST', '/v1/chat/completions', '{"model":"gpt-4o-mini"}', null, 401, /missing gateway token/],
    [
      'a bad token',
      'POST',
      '/v1/chat/completions',
      '{"model":"gpt-4o-mini"}',
      'amg_wrong_token',
      401,
      /invalid, expired or revoked/,
    ],
  ];

  it.each(cases)('answers %s', async (_name, method, path, body, token, status, message) => {
    const result = await send(method, path, body, token);
    expect(result.status).toBe(status);
    expect(result.json.error.message).toMatch(message);
    expect(typeof result.json.error.type).toBe('string');
    const id = result.headers.get('x-request-id');
    expect(id).toMatch(/^req_/);
    await expect.poll(async () => (await harness.records(1)).find((r) => r.id === id)?.status).toBe(status);
  });

  it('answers 413 for a body over the configured limit, without reading all of it', async () => {
    const huge = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(100_000) }] });
    const result = await send('POST', '/v1/chat/completions', huge);
    expect(result.status).toBe(413);
    expect(result.json.error.message).toMatch(/exceeds the gateway limit of 65536 bytes/);
    const record = (await harness.records()).find((r) => r.id === result.headers.get('x-request-id'));
    expect(record).toMatchObject({ status: 413, errorCode: 'GW_ERR_REQUEST_TOO_LARGE' });
  });

  it('answers 413 to a chunked upload (no content-length) that goes over the limit while it is read', async () => {
    const chunks = async function* () {
      for (let i = 0; i < 64; i++) yield new Uint8Array(64 * 1024).fill(120);
    };
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_TOKEN}` },
      body: ReadableStream.from(chunks()),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('answers HEAD like GET on the model list, without a body', async () => {
    const response = await fetch(`${harness.url}/v1/models`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${CLIENT_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('');
  });

  it('records who sent a rejected request and what they asked for', async () => {
    const result = await send('POST', '/v1/chat/completions', '{"model":"gpt-9"}');
    const record = (await harness.records()).find((r) => r.id === result.headers.get('x-request-id'));
    expect(record).toMatchObject({
      client: 'test-client',
      requestedModel: 'gpt-9',
      entryPoint: 'chat.completions',
      errorCode: 'GW_ERR_MODEL_NOT_FOUND',
    });
  });

  it('surfaces errors through the SDK as typed API errors', async () => {
    const error = await harness
      .openai('amg_wrong_token')
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(upstream.requests).toHaveLength(0);
  });
});
