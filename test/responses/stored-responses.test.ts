import type OpenAI from 'openai';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { TwoUpstreams, VIA } from '../support/two-upstreams.js';
import { transcriptOf } from '../support/upstream-transcript.js';

/**
 * Stateful Responses through the official SDK: `store` (on by default, as at OpenAI), `previous_response_id`
 * replayed to either upstream type, retrieve / delete / input_items, and the wall between client keys.
 */

const OTHER_TOKEN = 'amg_other_client_token_0123456789';
type Json = Record<string, any>;

let gateway: TwoUpstreams;
let harness: GatewayHarness;
let oai: FakeOpenAI;
let ant: FakeAnthropic;
let client: OpenAI;

const MODELS = [VIA.openai, VIA.anthropic] as const;

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

function lastBody(fake: FakeOpenAI | FakeAnthropic): Json {
  const path = fake instanceof FakeOpenAI ? '/v1/chat/completions' : '/v1/messages';
  const requests = fake.requestsTo(path);
  return requests[requests.length - 1]?.body as Json;
}

beforeAll(async () => {
  gateway = await TwoUpstreams.start({
    clients: [
      { name: 'test-client', token: CLIENT_TOKEN },
      { name: 'other-client', token: OTHER_TOKEN },
    ],
  });
  ({ harness, oai, ant } = gateway);
  client = harness.openai();
});

afterAll(async () => {
  await gateway?.close();
});

beforeEach(() => gateway.reset());

describe('stored responses', () => {
  it('stores by default and answers retrieve with the same Response', async () => {
    oai.enqueue({ kind: 'reply', text: 'Paris.' });
    const created = await client.responses.create({
      model: 'via-openai',
      instructions: 'Answer in one word.',
      input: 'Capital of France?',
    });
    // The SDK's Response type has no `store`, but the API's object carries it.
    expect((created as unknown as Json).store).toBe(true);
    expect(created.previous_response_id).toBeNull();
    expect(created.output_text).toBe('Paris.');
    const retrieved = await client.responses.retrieve(created.id);
    expect(retrieved).toEqual(created);
  });

  it('keeps nothing for store: false', async () => {
    oai.enqueue({ kind: 'reply', text: 'ok' });
    const created = await client.responses.create({ model: 'via-openai', input: 'hi', store: false });
    expect((created as unknown as Json).store).toBe(false);
    await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it.each(MODELS)('replays the chain to the $upstream upstream, without the earlier instructions', async (model) => {
    const fake = model.name === 'via-openai' ? oai : ant;
    fake.enqueue({ kind: 'reply', text: 'Paris.' }, { kind: 'reply', text: 'About 2.1 million.' });
    const first = await client.responses.create({
      model: model.name,
      instructions: 'Answer in one word.',
      input: 'Capital of France?',
    });
    const second = await client.responses.create({
      model: model.name,
      previous_response_id: first.id,
      input: [{ role: 'user', content: 'How many people live there?' }],
    });
    expect(second.previous_response_id).toBe(first.id);
    expect(second.output_text).toBe('About 2.1 million.');
    expect(transcriptOf(fake)).toEqual([
      'user:Capital of France?',
      'assistant:Paris.',
      'user:How many people live there?',
    ]);
    // OpenAI: instructions are not carried over from the previous response.
    const body = lastBody(fake);
    const system =
      model.name === 'via-openai' ? (body.messages as Json[]).filter((m) => m.role === 'system') : body.system;
    expect(system ?? []).toEqual([]);
  });

  it.each([
    [MODELS[0], false],
    [MODELS[1], true],
    [MODELS[1], false],
    [MODELS[0], true],
  ])('carries a tool call and its output across a stored chain ($upstream, stream: %s)', async (model, stream) => {
    const toOpenAI = model.name === 'via-openai';
    const callId = toOpenAI ? 'call_weather_1' : 'toolu_weather_1';
    if (toOpenAI) {
      oai.enqueue(
        { kind: 'reply', toolCalls: [{ id: callId, name: 'get_weather', arguments: '{"city":"Paris"}' }] },
        { kind: 'reply', text: 'It is 18C in Paris.' },
      );
    } else {
      ant.enqueue(
        { kind: 'reply', content: [{ type: 'tool_use', id: callId, name: 'get_weather', input: { city: 'Paris' } }] },
        { kind: 'reply', text: 'It is 18C in Paris.' },
      );
    }
    const first = await createMaybeStreamed(
      { model: model.name, input: 'Weather in Paris?', tools: [weatherTool] },
      stream,
    );
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ call_id: callId, name: 'get_weather', arguments: '{"city":"Paris"}' });
    const output: ResponseInputItem = { type: 'function_call_output', call_id: callId, output: '18C' };
    const second = await createMaybeStreamed(
      { model: model.name, previous_response_id: first.id, input: [output], tools: [weatherTool] },
      stream,
    );
    expect(second.output_text).toBe('It is 18C in Paris.');
    const fake = toOpenAI ? oai : ant;
    expect(transcriptOf(fake)).toEqual([
      'user:Weather in Paris?',
      `assistant:call(${callId})`,
      `result(${callId}):18C`,
    ]);
    const items = await collect(client.responses.inputItems.list(second.id, { order: 'asc' }));
    expect(items.map((item) => item.type)).toEqual(['message', 'function_call', 'function_call_output']);
    expect(items[1]).toMatchObject({ id: call?.id, call_id: callId });
  });

  it('finds a streamed response the moment its stream ended', async () => {
    oai.enqueue({ kind: 'reply', text: 'first answer' }, { kind: 'reply', text: 'second answer' });
    const stream = await client.responses.create({ model: 'via-openai', input: 'one', stream: true });
    let id = '';
    for await (const event of stream) if (event.type === 'response.completed') id = event.response.id;
    // No wait at all: the write to the store may still be on its way to the worker.
    const next = await client.responses.create({ model: 'via-openai', input: 'two', previous_response_id: id });
    expect(next.output_text).toBe('second answer');
    expect(transcriptOf(oai)).toEqual(['user:one', 'assistant:first answer', 'user:two']);
    expect((await client.responses.retrieve(id)).output_text).toBe('first answer');
  });

  it('lists input items newest first, in pages the SDK follows', async () => {
    oai.enqueue({ kind: 'reply', text: 'a1' }, { kind: 'reply', text: 'a2' });
    const first = await client.responses.create({ model: 'via-openai', input: 'q1' });
    const second = await client.responses.create({
      model: 'via-openai',
      previous_response_id: first.id,
      input: [
        { role: 'user', content: 'q2' },
        { role: 'user', content: [{ type: 'input_text', text: 'q3' }] },
      ],
    });
    const page = await client.responses.inputItems.list(second.id, { limit: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.has_more).toBe(true);
    const all = await collect(client.responses.inputItems.list(second.id, { limit: 2 }));
    const texts = all.map((item) => ((item as Json).content as Json[])[0]?.text);
    expect(texts).toEqual(['q3', 'q2', 'a1', 'q1']);
    expect(new Set(all.map((item) => item.id)).size).toBe(4);
    const raw = await fetch(`${harness.url}/v1/responses/${second.id}/input_items?limit=1&order=asc`, {
      headers: { authorization: `Bearer ${CLIENT_TOKEN}` },
    });
    const body = (await raw.json()) as Json;
    expect(body).toMatchObject({ object: 'list', has_more: true, first_id: all[3]?.id, last_id: all[3]?.id });
    expect(body.data[0]).toMatchObject({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: 'q1' }],
    });
  });

  it('deletes a response: it is gone for retrieve, input_items and chaining', async () => {
    oai.enqueue({ kind: 'reply', text: 'bye' });
    const created = await client.responses.create({ model: 'via-openai', input: 'hello' });
    const raw = await fetch(`${harness.url}/v1/responses/${created.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${CLIENT_TOKEN}` },
    });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ id: created.id, object: 'response', deleted: true });
    await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
    await expect(client.responses.delete(created.id)).rejects.toMatchObject({ status: 404 });
    await expect(client.responses.inputItems.list(created.id)).rejects.toMatchObject({ status: 404 });
    await expect(
      client.responses.create({ model: 'via-openai', input: 'again', previous_response_id: created.id }),
    ).rejects.toMatchObject({ status: 400, code: 'previous_response_not_found', param: 'previous_response_id' });
  });
});

describe('another client key', () => {
  let ownId: string;
  const absentId = 'resp_doesnotexist0000000000';

  beforeAll(async () => {
    oai.enqueue({ kind: 'reply', text: 'secret answer' });
    ownId = (await client.responses.create({ model: 'via-openai', input: 'my secret question' })).id;
  });

  /** The status and body a client gets for a path, with the id masked so foreign and absent compare equal. */
  async function answer(token: string, method: string, path: string, body?: unknown) {
    const response = await fetch(`${harness.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = (await response.text()).replaceAll(ownId, '<id>').replaceAll(absentId, '<id>');
    return { status: response.status, body: JSON.parse(text) as Json };
  }

  it.each([
    ['GET', (id: string) => `/v1/responses/${id}`],
    ['GET', (id: string) => `/v1/responses/${id}/input_items`],
    ['DELETE', (id: string) => `/v1/responses/${id}`],
  ])('%s %s answers a foreign id exactly as an absent one (404)', async (method, path) => {
    const foreign = await answer(OTHER_TOKEN, method, path(ownId));
    const absent = await answer(OTHER_TOKEN, method, path(absentId));
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(absent.body);
    expect(foreign.body).toEqual({
      error: {
        message: "Response with id '<id>' not found.",
        type: 'invalid_request_error',
        param: null,
        code: 'GW_ERR_RESPONSE_NOT_FOUND',
      },
    });
  });

  it('cannot chain onto a foreign response, and its upstream never sees the stored turn', async () => {
    const request = (id: string) => ({ model: 'via-openai', input: 'what did I ask?', previous_response_id: id });
    const foreign = await answer(OTHER_TOKEN, 'POST', '/v1/responses', request(ownId));
    const absent = await answer(OTHER_TOKEN, 'POST', '/v1/responses', request(absentId));
    expect(foreign).toEqual(absent);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'previous_response_id',
      code: 'previous_response_not_found',
    });
    expect(oai.requests).toHaveLength(0);
    const records = await harness.records(1);
    expect(records[0]).toMatchObject({
      client: 'other-client',
      status: 400,
      errorCode: 'GW_ERR_PREVIOUS_RESPONSE_NOT_FOUND',
    });
  });

  it('leaves the owner its response after the foreign DELETE', async () => {
    expect((await client.responses.retrieve(ownId)).output_text).toBe('secret answer');
  });

  it('scopes a key from the store by the key, not only by name', async () => {
    const created = await harness.admin('POST', '/keys', { name: 'store-key' });
    const keyClient = harness.openai(created.body.token);
    oai.enqueue({ kind: 'reply', text: 'key answer' });
    const response = await keyClient.responses.create({ model: 'via-openai', input: 'q' });
    expect((await keyClient.responses.retrieve(response.id)).output_text).toBe('key answer');
    await expect(client.responses.retrieve(response.id)).rejects.toMatchObject({ status: 404 });
    await expect(keyClient.responses.retrieve(ownId)).rejects.toMatchObject({ status: 404 });
  });
});

async function createMaybeStreamed(
  params: OpenAI.Responses.ResponseCreateParamsNonStreaming & { stream?: never },
  stream: boolean,
): Promise<OpenAI.Responses.Response> {
  if (!stream) return client.responses.create(params);
  const events = client.responses.stream(params);
  return events.finalResponse();
}

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of pages) all.push(item);
  return all;
}

describe('with responses.store: false in the config', () => {
  let off: GatewayHarness;

  beforeAll(async () => {
    off = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('oai', oai.baseUrl, oai.apiKey, 'openai')],
        models: [{ name: 'via-openai', targets: [{ provider: 'oai', model: 'gpt-upstream-1' }] }],
        responses: { store: false },
      },
    });
  });

  afterAll(async () => {
    await off?.close();
  });

  it('keeps nothing, says so in the Response, and refuses previous_response_id', async () => {
    const offClient = off.openai();
    oai.enqueue({ kind: 'reply', text: 'not kept' });
    const created = await offClient.responses.create({ model: 'via-openai', input: 'hi', store: true });
    expect((created as unknown as Json).store).toBe(false);
    await expect(offClient.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
    await expect(
      offClient.responses.create({ model: 'via-openai', input: 'again', previous_response_id: created.id }),
    ).rejects.toMatchObject({ status: 400, param: 'previous_response_id', message: /responses\.store: false/ });
  });
});

describe('a chain on a route with a fallback', () => {
  let mixed: GatewayHarness;

  beforeAll(async () => {
    mixed = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('oai', oai.baseUrl, oai.apiKey, 'openai'),
          fakeProvider('ant', ant.baseUrl, ant.apiKey, 'anthropic'),
        ],
        models: [
          {
            name: 'openai-then-claude',
            targets: [
              { provider: 'oai', model: 'gpt-upstream-1' },
              { provider: 'ant', model: 'claude-sonnet-4-6' },
            ],
          },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });

  afterAll(async () => {
    await mixed?.close();
  });

  it('continues at the fallback a response the first target answered: the gateway, not the provider, holds it', async () => {
    const mixedClient = mixed.openai(CLIENT_TOKEN, { maxRetries: 0 });
    oai.enqueue({ kind: 'reply', text: 'Paris.' });
    const first = await mixedClient.responses.create({ model: 'openai-then-claude', input: 'Capital of France?' });
    oai.enqueue({ kind: 'error', status: 503, body: { error: { message: 'overloaded', type: 'server_error' } } });
    ant.enqueue({ kind: 'reply', text: 'About 2.1 million.' });
    const second = await mixedClient.responses.create({
      model: 'openai-then-claude',
      previous_response_id: first.id,
      input: 'How many people live there?',
    });
    expect(second.output_text).toBe('About 2.1 million.');
    expect(transcriptOf(ant)).toEqual([
      'user:Capital of France?',
      'assistant:Paris.',
      'user:How many people live there?',
    ]);
    // Nothing went upstream by id: the provider that answered first is not needed to continue.
    expect(JSON.stringify(lastBody(oai))).not.toContain(first.id);
    expect(JSON.stringify(lastBody(ant))).not.toContain(first.id);
  });
});

describe('a chained request with bad input', () => {
  it('names the bad item by its own index, not its place after the stored chain', async () => {
    oai.enqueue({ kind: 'reply', text: 'one' });
    const first = await client.responses.create({ model: 'via-openai', input: 'q1' });
    await expect(
      client.responses.create({
        model: 'via-openai',
        previous_response_id: first.id,
        input: [{ type: 'function_call_output', output: 'no call id' } as unknown as ResponseInputItem],
      }),
    ).rejects.toMatchObject({ status: 400, param: 'input[0].call_id' });
    expect(oai.requests).toHaveLength(1);
  });
});
