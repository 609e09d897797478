import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CLIENT_TOKEN } from '../support/gateway-harness.js';
import { withOneUpstream } from '../support/reliability-harness.js';

/** Request bodies: JSON only, compressed bodies decoded within the limit, and never a fragment echoed or recorded. */
describe('request bodies on the data plane', () => {
  const setup = withOneUpstream({ server: { max_body_size: '64KiB' } });
  const body = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });

  const post = async (payload: string | Buffer, headers: Record<string, string>, path = '/v1/chat/completions') => {
    const response = await fetch(`${setup.harness.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_TOKEN}`, ...headers },
      body: payload,
    });
    return { status: response.status, json: (await response.json()) as any, id: response.headers.get('x-request-id') };
  };
  const recordOf = async (id: string | null) => {
    const rows = await setup.harness.records(1);
    await expect.poll(async () => (await setup.harness.records(1)).some((r) => r.id === id)).toBe(true);
    return (await setup.harness.records(rows.length)).find((r) => r.id === id);
  };

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('decodes a %s body and sends the upstream plain JSON', async (encoding, compress) => {
    const before = setup.upstream.server.requests.length;
    const answer = await post(compress(Buffer.from(body)), {
      'content-type': 'application/json',
      'content-encoding': encoding,
    });
    expect(answer.status).toBe(200);
    const forwarded = setup.upstream.server.requests.slice(before).at(-1);
    expect(forwarded?.body).toMatchObject({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('counts the decoded size against the limit: a small gzip bomb is a 413', async () => {
    const bomb = gzipSync(Buffer.from(JSON.stringify({ model: 'chat', pad: ' '.repeat(1024 * 1024) })));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const answer = await post(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(answer).toMatchObject({ status: 413, json: { error: { code: 'GW_ERR_REQUEST_TOO_LARGE' } } });
    expect(await recordOf(answer.id)).toMatchObject({ status: 413, errorCode: 'GW_ERR_REQUEST_TOO_LARGE' });
  });

  it('refuses an encoding it cannot decode with 415, and broken gzip with 400', async () => {
    const unknown = await post(body, { 'content-type': 'application/json', 'content-encoding': 'compress' });
    expect(unknown).toMatchObject({ status: 415, json: { error: { code: 'GW_ERR_REQUEST_CONTENT_ENCODING' } } });
    const broken = await post(Buffer.from('not gzip at all'), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(broken).toMatchObject({ status: 400, json: { error: { code: 'GW_ERR_REQUEST_INVALID_ENCODING' } } });
  });

  it.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['a form', 'application/x-www-form-urlencoded'],
  ])('refuses %s with 415 in the client dialect, as the admin API does', async (_name, type) => {
    const openai = await post(body, { 'content-type': type });
    expect(openai).toMatchObject({ status: 415, json: { error: { code: 'GW_ERR_REQUEST_CONTENT_TYPE' } } });
    const anthropic = await post(body, { 'content-type': type, 'anthropic-version': '2023-06-01' }, '/v1/messages');
    expect(anthropic).toMatchObject({ status: 415, json: { type: 'error', error: { type: 'invalid_request_error' } } });
    expect(await recordOf(openai.id)).toMatchObject({ status: 415, errorCode: 'GW_ERR_REQUEST_CONTENT_TYPE' });
  });

  it('accepts application/json with parameters and +json types', async () => {
    expect((await post(body, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
    expect((await post(body, { 'content-type': 'application/vnd.api+json' })).status).toBe(200);
  });

  it('never echoes or records a fragment of a body that is not JSON', async () => {
    const answer = await post('hello secret world', { 'content-type': 'application/json' });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.json)).not.toContain('secret');
    const record = await recordOf(answer.id);
    expect(record).toMatchObject({ status: 400, errorCode: 'GW_ERR_REQUEST_INVALID_JSON' });
    expect(record?.errorMessage).not.toContain('secret');
    expect(record?.errorMessage).not.toContain('hello');
  });
});
