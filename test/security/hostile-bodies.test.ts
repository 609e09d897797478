import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DialectGateway, MODELS } from '../dialects/support/dialect-gateway.js';
import { CLIENT_TOKEN } from '../support/gateway-harness.js';

/**
 * Names every plain object inherits. A body that used one as a key or a value once reached a lookup on a plain
 * object, threw, and the failure was blamed on the upstream's connection: it fed breakers and the change guard.
 */
const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

type Entry = { path: string; headers: Record<string, string>; base: (model: string) => Record<string, unknown> };

const OPENAI = { authorization: `Bearer ${CLIENT_TOKEN}` };
const ANTHROPIC = { 'x-api-key': CLIENT_TOKEN, 'anthropic-version': '2023-06-01' };

const ENTRIES: Entry[] = [
  {
    path: '/v1/chat/completions',
    headers: OPENAI,
    base: (model) => ({ model, messages: [{ role: 'user', content: 'hi' }] }),
  },
  {
    path: '/v1/messages',
    headers: ANTHROPIC,
    base: (model) => ({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
  },
  {
    path: '/v1/messages/count_tokens',
    headers: ANTHROPIC,
    base: (model) => ({ model, messages: [{ role: 'user', content: 'hi' }] }),
  },
  { path: '/v1/responses', headers: OPENAI, base: (model) => ({ model, input: 'hi' }) },
  { path: '/v1/embeddings', headers: OPENAI, base: (model) => ({ model, input: 'hi' }) },
];

/** Bodies that put an inherited name wherever a client string becomes a key or a looked-up value. */
function poisoned(base: Record<string, unknown>, name: string): Record<string, unknown>[] {
  const image = (media: string) => ({ type: 'image', source: { type: 'base64', media_type: media, data: 'AAAA' } });
  return [
    { ...base, [name]: 1 },
    { ...base, [name]: { [name]: name } },
    { ...base, messages: [{ role: name, content: 'hi' }] },
    { ...base, messages: [{ role: 'user', content: [{ type: name, text: 'hi' }] }] },
    { ...base, messages: [{ role: 'user', content: [image(name)] }] },
    { ...base, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `x.${name}` } }] }] },
    { ...base, input: [{ role: name, content: 'hi' }] },
    { ...base, input: [{ type: name }] },
    { ...base, input: [{ role: 'user', content: [{ type: 'input_image', image_url: `https://e.com/a.${name}` }] }] },
    { ...base, reasoning: { effort: name } },
    { ...base, reasoning_effort: name },
    { ...base, thinking: { type: name } },
    { ...base, tool_choice: { type: name } },
    { ...base, tool_choice: name },
    { ...base, stop_reason: name, finish_reason: name },
    { ...base, response_format: { type: name } },
    { ...base, text: { format: { type: name } } },
    { ...base, tools: [{ type: name, name: 'f', input_schema: { type: 'object' } }] },
    { ...base, metadata: { [name]: name } },
  ];
}

describe('inherited property names in a request', () => {
  let gateway: DialectGateway;

  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('never give a 5xx nor count as an upstream failure, on any entry point or provider type', async () => {
    const failures: string[] = [];
    for (const entry of ENTRIES) {
      for (const model of [MODELS.openai.name, MODELS.anthropic.name]) {
        for (const name of INHERITED) {
          for (const body of poisoned(entry.base(model), name)) {
            const response = await fetch(`${gateway.harness.url}${entry.path}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...entry.headers },
              body: JSON.stringify(body),
            });
            await response.arrayBuffer();
            if (response.status >= 500)
              failures.push(`${entry.path} ${model} ${response.status} ${JSON.stringify(body)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    const records = await gateway.harness.records(0);
    const blamed = records.flatMap((r) => r.attempts).filter((a) => a.errorClass === 'connection');
    expect(blamed).toEqual([]);
    const status = await gateway.harness.admin('GET', '/providers');
    expect(JSON.stringify(status.body)).not.toMatch(/connection/);
  }, 120_000);

  it('refuse bodies nested deeper than the limit with a 400 in the dialect of the entry point', async () => {
    // Built as text: the test's own JSON.stringify would overflow on it.
    const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    for (const entry of ENTRIES) {
      for (const model of [MODELS.openai.name, MODELS.anthropic.name]) {
        const tool = `{"name":"f","type":"function","input_schema":${deep(5_000)},"function":{"name":"f","parameters":${deep(5_000)}}}`;
        const body = `${JSON.stringify(entry.base(model)).slice(0, -1)},"tools":[${tool}]}`;
        const response = await fetch(`${gateway.harness.url}${entry.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...entry.headers },
          body,
        });
        const answer = (await response.json()) as { type?: string; error: { message: string; type: string } };
        expect(response.status, `${entry.path} ${model}`).toBe(400);
        expect(answer.error.message).toMatch(/nests objects and arrays more than 64 deep/);
        if (entry.headers['x-api-key']) expect(answer.type).toBe('error');
        else expect(answer.error.type).toBe('invalid_request_error');
      }
    }
    const records = await gateway.harness.records(0);
    expect(
      records.filter((r) => r.errorCode === 'GW_ERR_REQUEST_INVALID' && r.status === 400).length,
    ).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it('answer a malformed model path with a 400, not a 500', async () => {
    for (const path of ['/v1/models/%', '/v1/models/%zz', '/v1/models/a%E0%A4%A']) {
      const response = await fetch(`${gateway.harness.url}${path}`, { headers: OPENAI });
      const body = (await response.json()) as { error: { type: string } };
      expect(response.status, path).toBe(400);
      expect(body.error.type).toBe('invalid_request_error');
    }
  });
});
