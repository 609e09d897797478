import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DialectGateway, MODELS } from '../dialects/support/dialect-gateway.js';

/**
 * The `model` of every answer, as each client dialect's SDK hands it over: the upstream model that served it
 * (what `x-gateway-model` says), also from Bedrock, whose Converse answers and streams never name one.
 */
let gateway: DialectGateway;

const CLOUDS = [
  { name: 'bedrock', model: MODELS.bedrock.name, upstream: MODELS.bedrock.upstream },
  { name: 'gemini', model: MODELS.gemini.name, upstream: MODELS.gemini.upstream },
];

const ASKS = {
  'chat completions': async (model: string, stream: boolean): Promise<string[]> => {
    const client = gateway.harness.openai();
    const messages = [{ role: 'user' as const, content: 'Hi' }];
    if (!stream) return [(await client.chat.completions.create({ model, messages })).model];
    const seen: string[] = [];
    for await (const chunk of await client.chat.completions.create({ model, messages, stream: true })) {
      seen.push(chunk.model);
    }
    return [...new Set(seen)];
  },
  messages: async (model: string, stream: boolean): Promise<string[]> => {
    const client = gateway.harness.anthropic();
    const ask = { model, max_tokens: 100, messages: [{ role: 'user' as const, content: 'Hi' }] };
    if (!stream) return [(await client.messages.create(ask)).model];
    return [(await client.messages.stream(ask).finalMessage()).model];
  },
  responses: async (model: string, stream: boolean): Promise<string[]> => {
    const client = gateway.harness.openai();
    if (!stream) return [(await client.responses.create({ model, input: 'Hi', store: false })).model];
    const seen: string[] = [];
    for await (const event of await client.responses.create({ model, input: 'Hi', store: false, stream: true })) {
      if ('response' in event) seen.push(event.response.model);
    }
    return [...new Set(seen)];
  },
};

describe('the model an answer names', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });

  for (const cloud of CLOUDS) {
    for (const [dialect, ask] of Object.entries(ASKS)) {
      for (const stream of [false, true]) {
        it(`${cloud.name} to a ${dialect} client, ${stream ? 'streamed' : 'whole'}`, async () => {
          expect(await ask(cloud.model, stream)).toEqual([cloud.upstream]);
        });
      }
    }
  }
});
