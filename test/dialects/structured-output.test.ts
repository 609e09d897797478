import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';

/**
 * JSON-schema output across dialects: Chat `response_format` and Responses `text.format` reach Anthropic as its
 * structured-output `output_config.format`, and an Anthropic client's `output_config.format` reaches an
 * OpenAI-compatible provider as a strict `response_format`. The SDKs' parse helpers read the answer.
 */

const SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, celsius: { type: 'number' } },
  required: ['city', 'celsius'],
  additionalProperties: false,
};
const ANSWER = { city: 'Paris', celsius: 21 };

let gateway: DialectGateway;

function sentToAnthropic(): Record<string, unknown> {
  return gateway.anthropicUpstream.requestsTo('/v1/messages').at(-1)?.body as Record<string, unknown>;
}

describe('structured output across dialects', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(() => gateway.reset());

  it('sends a Chat json_schema response_format to Anthropic as output_config.format', async () => {
    gateway.anthropicUpstream.enqueue({ kind: 'reply', text: JSON.stringify(ANSWER) });
    const completion = await gateway.harness.openai().chat.completions.parse({
      model: MODELS.anthropic.name,
      messages: [{ role: 'user', content: 'Weather in Paris as JSON' }],
      response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: SCHEMA, strict: true } },
    });
    expect(completion.choices[0]?.message.parsed).toEqual(ANSWER);
    expect(sentToAnthropic().output_config).toEqual({ format: { type: 'json_schema', schema: SCHEMA } });
  });

  it('sends a Responses json_schema text.format to Anthropic the same way', async () => {
    gateway.anthropicUpstream.enqueue({ kind: 'reply', text: JSON.stringify(ANSWER) });
    const response = await gateway.harness.openai().responses.parse({
      model: MODELS.anthropic.name,
      input: 'Weather in Paris as JSON',
      text: { format: { type: 'json_schema', name: 'weather', schema: SCHEMA, strict: true } },
    });
    expect(response.output_parsed).toEqual(ANSWER);
    expect(sentToAnthropic().output_config).toEqual({ format: { type: 'json_schema', schema: SCHEMA } });
  });

  it("sends an Anthropic client's output_config.format to an OpenAI-compatible provider as a strict json_schema", async () => {
    gateway.openaiUpstream.enqueue({ kind: 'reply', text: JSON.stringify(ANSWER) });
    const message = await gateway.harness.anthropic().messages.create({
      model: MODELS.openai.name,
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Weather in Paris as JSON' }],
      output_config: { format: { type: 'json_schema', schema: SCHEMA } },
    });
    expect(message.content[0]?.type === 'text' && JSON.parse(message.content[0].text)).toEqual(ANSWER);
    const sent = gateway.openaiUpstream.requestsTo('/v1/chat/completions').at(-1)?.body as Record<string, unknown>;
    expect(sent.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'output', schema: SCHEMA, strict: true },
    });
  });
});
