import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayHarness } from '../support/gateway-harness.js';
import { thrownBy } from './support/client-driver.js';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';

/**
 * What a target dialect cannot express is refused before anything is sent upstream: a 400 in the client's own
 * error shape, naming the field, with a telemetry record. The same request to a model of the client's own
 * dialect is not translated, so it passes through untouched.
 */

type Client = 'chat' | 'messages' | 'responses';

interface Rejection {
  name: string;
  client: Client;
  /** The request body without `model`. */
  body: Record<string, unknown>;
  /** The field the 400 must name: OpenAI's `param`, or the start of Anthropic's message. */
  field: string;
  /** The provider type that cannot take it. */
  refusedBy: 'openai' | 'anthropic';
}

const chat = { messages: [{ role: 'user', content: 'Hi' }] };
const message = { max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] };

const REJECTIONS: Rejection[] = [
  { name: 'Chat n: 2', client: 'chat', body: { ...chat, n: 2 }, field: 'n', refusedBy: 'anthropic' },
  {
    name: 'Chat logprobs: true',
    client: 'chat',
    body: { ...chat, logprobs: true },
    field: 'logprobs',
    refusedBy: 'anthropic',
  },
  {
    name: 'Chat json_object response_format (Anthropic needs a schema)',
    client: 'chat',
    body: { ...chat, response_format: { type: 'json_object' } },
    field: 'response_format',
    refusedBy: 'anthropic',
  },
  {
    name: 'a Chat stop sequence of whitespace only (Anthropic refuses those)',
    client: 'chat',
    body: { ...chat, stop: ['END', '\n'] },
    field: 'stop',
    refusedBy: 'anthropic',
  },
  {
    name: 'Chat max_tokens too small for the reasoning asked for',
    client: 'chat',
    body: { ...chat, max_tokens: 1000, reasoning_effort: 'high' },
    field: 'max_tokens',
    refusedBy: 'anthropic',
  },
  { name: 'Anthropic top_k', client: 'messages', body: { ...message, top_k: 5 }, field: 'top_k', refusedBy: 'openai' },
  {
    name: 'an Anthropic server tool that runs code',
    client: 'messages',
    body: { ...message, tools: [{ type: 'code_execution_20250825', name: 'code_execution' }] },
    field: 'tools[0].type',
    refusedBy: 'openai',
  },
  {
    name: 'a Responses conversation',
    client: 'responses',
    body: { input: 'Hi', conversation: 'conv_0123' },
    field: 'conversation',
    refusedBy: 'openai',
  },
  {
    name: 'a Responses conversation',
    client: 'responses',
    body: { input: 'Hi', conversation: 'conv_0123' },
    field: 'conversation',
    refusedBy: 'anthropic',
  },
  {
    name: 'a built-in Responses tool',
    client: 'responses',
    body: { input: 'Hi', tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] },
    field: 'tools[0].type',
    refusedBy: 'anthropic',
  },
];

let gateway: DialectGateway;

/** Sends a body as the client's SDK would, typed loosely on purpose: these are requests a dialect may refuse. */
function send(client: Client, body: Record<string, unknown>): Promise<unknown> {
  if (client === 'chat') {
    return gateway.harness
      .openai()
      .chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
  }
  if (client === 'messages') {
    return gateway.harness.anthropic().messages.create(body as unknown as Anthropic.MessageCreateParamsNonStreaming);
  }
  return gateway.harness
    .openai()
    .responses.create(body as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming);
}

function upstreamOf(type: 'openai' | 'anthropic') {
  return type === 'openai'
    ? { fake: gateway.openaiUpstream, path: '/v1/chat/completions' }
    : { fake: gateway.anthropicUpstream, path: '/v1/messages' };
}

describe('fields a target dialect cannot express', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(async () => {
    gateway.reset();
    await gateway.skipRecords();
  });

  it.each(REJECTIONS)('refuses $name for an $refusedBy-backed model with a 400 naming it', async (rejection) => {
    const model = MODELS[rejection.refusedBy].name;
    const error = await thrownBy(() => send(rejection.client, { ...rejection.body, model }));
    if (rejection.client === 'messages') {
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      const apiError = error as InstanceType<typeof Anthropic.BadRequestError>;
      expect(apiError.type).toBe('invalid_request_error');
      expect(apiError.apiMessage).toMatch(new RegExp(`^${rejection.field.replace(/[[\]]/g, '\\$&')}: `));
    } else {
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      const apiError = error as InstanceType<typeof OpenAI.BadRequestError>;
      expect(apiError).toMatchObject({ status: 400, type: 'invalid_request_error', param: rejection.field });
    }
    expect(upstreamOf(rejection.refusedBy).fake.requestsTo(upstreamOf(rejection.refusedBy).path)).toEqual([]);
    const record = await gateway.nextRecord();
    expect(record).toMatchObject({ status: 400, errorCode: 'GW_ERR_REQUEST_INVALID', requestedModel: model });
  });

  const SAME_DIALECT = REJECTIONS.filter((r) => r.client !== 'responses' && r.refusedBy !== sameDialectOf(r.client));
  it.each(SAME_DIALECT)('passes $name through untouched to a model of its own dialect', async (rejection) => {
    const type = sameDialectOf(rejection.client);
    const { fake, path } = upstreamOf(type);
    await send(rejection.client, { ...rejection.body, model: MODELS[type].name });
    const received = fake.requestsTo(path)[0]?.body;
    expect(received).toEqual({ ...rejection.body, model: MODELS[type].upstream });
    expect((await gateway.nextRecord()).status).toBe(200);
  });
});

function sameDialectOf(client: Client): 'openai' | 'anthropic' {
  return client === 'messages' ? 'anthropic' : 'openai';
}

describe("limits of OpenAI's own API", () => {
  let openaiGateway: GatewayHarness;

  beforeAll(async () => {
    // Never contacted: the refusal comes before anything is sent (and this suite has no network).
    openaiGateway = await GatewayHarness.start({
      config: {
        providers: [{ name: 'openai', type: 'openai', base_url: 'https://api.openai.com/v1', api_key: 'sk-unused' }],
        models: [{ name: 'gpt-openai', targets: [{ provider: 'openai', model: 'gpt-4.1-mini' }] }],
      },
    });
  });
  afterAll(async () => {
    await openaiGateway.close();
  });

  it('refuses a fifth stop sequence for api.openai.com with a 400 naming stop_sequences', async () => {
    const error = await thrownBy(() =>
      openaiGateway.anthropic().messages.create({
        ...message,
        model: 'gpt-openai',
        stop_sequences: ['one', 'two', 'three', 'four', 'five'],
      } as Anthropic.MessageCreateParamsNonStreaming),
    );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const apiError = error as InstanceType<typeof Anthropic.BadRequestError>;
    expect(apiError.type).toBe('invalid_request_error');
    expect(apiError.apiMessage).toMatch(/^stop_sequences: .*at most 4 stop sequences \(got 5\)/);
    const [record] = await openaiGateway.records(1);
    expect(record).toMatchObject({ status: 400, errorCode: 'GW_ERR_REQUEST_INVALID', requestedModel: 'gpt-openai' });
  });
});
