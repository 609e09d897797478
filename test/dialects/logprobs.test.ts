import type { Response, ResponseOutputText } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';

/**
 * Log probabilities for a Responses client (the official openai SDK) on a translated route: a Chat Completions
 * upstream returns them (`logprobs: true`, `top_logprobs`), and they come back in the Responses shapes, whole
 * and streamed. Upstreams that return none are refused with a 400 naming the field, before anything is sent.
 */

const TEXT = 'Hello world';
// The fake's tokens are the text in pieces of four characters, each with fixed probabilities.
const TOKENS = ['Hell', 'o wo', 'rld'];
const bytes = (token: string) => [...Buffer.from(token, 'utf8')];
const logprob = (position: number, rank = 0) => -(position + 1) / 10 - rank;

/** The answer's first output_text part. */
function outputTextOf(response: Response): ResponseOutputText {
  const message = response.output[0];
  const part = message?.type === 'message' ? message.content[0] : undefined;
  if (part?.type !== 'output_text') throw new Error('the answer has no output_text part');
  return part;
}

describe('log probabilities for Responses clients on translated routes', () => {
  let gateway: DialectGateway;

  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => gateway?.close());
  beforeEach(() => gateway.reset());

  it('asks a Chat upstream for them and returns them on output_text with their top alternatives', async () => {
    gateway.openaiUpstream.enqueue({ kind: 'reply', text: TEXT });
    const response = await gateway.harness.openai().responses.create({
      model: MODELS.openai.name,
      input: 'Hi',
      include: ['message.output_text.logprobs'],
      top_logprobs: 2,
    });
    const sent = gateway.openaiUpstream.requests[0]?.body as Record<string, unknown>;
    expect(sent).toMatchObject({ logprobs: true, top_logprobs: 2 });
    const text = outputTextOf(response);
    expect(text.text).toBe(TEXT);
    expect(text.logprobs).toEqual(
      TOKENS.map((token, i) => ({
        token,
        bytes: bytes(token),
        logprob: logprob(i),
        top_logprobs: [
          { token, bytes: bytes(token), logprob: logprob(i) },
          { token: 'alt1', bytes: bytes('alt1'), logprob: logprob(i, 1) },
        ],
      })),
    );
    await gateway.nextRecord();
  });

  it('asks for them with the include item alone (no alternatives)', async () => {
    gateway.openaiUpstream.enqueue({ kind: 'reply', text: TEXT });
    const response = await gateway.harness.openai().responses.create({
      model: MODELS.openai.name,
      input: 'Hi',
      include: ['message.output_text.logprobs'],
    });
    const sent = gateway.openaiUpstream.requests[0]?.body as Record<string, unknown>;
    expect(sent.logprobs).toBe(true);
    expect(sent).not.toHaveProperty('top_logprobs');
    expect(outputTextOf(response).logprobs?.map((entry) => [entry.token, entry.top_logprobs])).toEqual(
      TOKENS.map((token) => [token, []]),
    );
    await gateway.nextRecord();
  });

  it('streams them on each response.output_text.delta, and whole on the done events and the final response', async () => {
    gateway.openaiUpstream.enqueue({ kind: 'reply', text: TEXT });
    const stream = await gateway.harness.openai().responses.create({
      model: MODELS.openai.name,
      input: 'Hi',
      include: ['message.output_text.logprobs'],
      top_logprobs: 1,
      stream: true,
    });
    const deltas: unknown[] = [];
    let done: unknown;
    let final: unknown;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') deltas.push([event.delta, event.logprobs]);
      if (event.type === 'response.output_text.done') done = event.logprobs;
      if (event.type === 'response.completed') final = event.response.output[0];
    }
    const eventEntry = (token: string, i: number) => ({
      token,
      logprob: logprob(i),
      top_logprobs: [{ token, logprob: logprob(i) }],
    });
    expect(deltas).toEqual(TOKENS.map((token, i) => [token, [eventEntry(token, i)]]));
    expect(done).toEqual(TOKENS.map(eventEntry));
    expect(final).toMatchObject({
      content: [
        {
          text: TEXT,
          logprobs: TOKENS.map((token, i) => ({
            token,
            bytes: bytes(token),
            logprob: logprob(i),
            top_logprobs: [{ token, bytes: bytes(token), logprob: logprob(i) }],
          })),
        },
      ],
    });
    await gateway.nextRecord();
  });

  it.each([
    ['Anthropic', MODELS.anthropic.name, { top_logprobs: 3 }, 'top_logprobs'],
    [
      'Gemini',
      MODELS.gemini.name,
      { include: ['reasoning.encrypted_content', 'message.output_text.logprobs'] },
      'include[1]',
    ],
    ['Bedrock', MODELS.bedrock.name, { top_logprobs: 1 }, 'top_logprobs'],
  ])('refuses them toward %s naming the field', async (_name, model, fields, param) => {
    const error = await gateway.harness
      .openai()
      .responses.create({ model, input: 'Hi', ...(fields as object) })
      .catch((e) => e);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toMatch(/log probabilities/);
    await gateway.nextRecord();
  });
});
