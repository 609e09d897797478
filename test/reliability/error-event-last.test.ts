import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { CLIENT_TOKEN } from '../support/gateway-harness.js';
import { useScriptedGateway } from '../support/scripted-gateway.js';
import { type Script, sseAnswer } from '../support/scripted-upstream.js';

const chatChunk = (content: string) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  })}\n\n`;
const CHAT_ERROR = `data: ${JSON.stringify({
  error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null },
})}\n\n`;

/** An Anthropic Messages event: its `event:` name and its data's `type` agree, as the API sends them. */
const anthropicEvent = (type: string, fields: object) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`;
const MESSAGES_START =
  anthropicEvent('message_start', {
    message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-x', content: [] },
  }) + anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
const messagesDelta = (text: string) =>
  anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
const MESSAGES_ERROR = anthropicEvent('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });

const responsesEvent = anthropicEvent;
const RESPONSES_START = responsesEvent('response.created', {
  response: { id: 'resp_1', object: 'response', status: 'in_progress', model: 'm', output: [] },
});
const responsesDelta = (delta: string) =>
  responsesEvent('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta });
const RESPONSES_ERROR = responsesEvent('error', {
  code: 'server_error',
  message: 'The server had an error while processing your request.',
  param: null,
});

/** An SSE answer written whole in one write, with the end of the body. */
const oneWrite =
  (body: string): Script =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(body);
  };

/**
 * An upstream's error event ends its stream, on every same-dialect passthrough: when the read that brought it
 * also holds more (a whole event, or one the upstream left without its blank line before closing), the client
 * gets nothing after the error event, and the official SDKs raise the upstream's error.
 */
describe("the upstream's error event is the last thing a passthrough client gets", () => {
  const scripted = useScriptedGateway();

  /** The bytes the gateway sends for a streamed request, read to the end without an SDK. */
  async function rawStream(path: string, body: object): Promise<string> {
    const response = await fetch(`${scripted.gateway.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, stream: true }),
    });
    return response.text();
  }

  const dialects = [
    {
      name: 'Chat Completions',
      first: chatChunk('Hel'),
      error: CHAT_ERROR,
      more: chatChunk('lo'),
      raw: () => rawStream('/v1/chat/completions', { model: 'oa', messages: [{ role: 'user', content: 'hi' }] }),
      sdk: async () => {
        const stream = await scripted.gateway
          .openai()
          .chat.completions.create({ model: 'oa', messages: [{ role: 'user', content: 'hi' }], stream: true });
        for await (const _ of stream);
      },
      sdkError: OpenAI.APIError,
      message: /server had an error/,
    },
    {
      name: 'Messages',
      first: MESSAGES_START + messagesDelta('Hel'),
      error: MESSAGES_ERROR,
      more: messagesDelta('lo'),
      raw: () =>
        rawStream('/v1/messages', { model: 'an', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
      sdk: async () => {
        const stream = await scripted.gateway
          .anthropic()
          .messages.create({ model: 'an', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] });
        for await (const _ of stream);
      },
      sdkError: Anthropic.APIError,
      message: /Overloaded/,
    },
    {
      name: 'Responses (Azure)',
      first: RESPONSES_START + responsesDelta('Hel'),
      error: RESPONSES_ERROR,
      more: responsesDelta('lo'),
      raw: () => rawStream('/v1/responses', { model: 'az', input: 'hi', store: false }),
      // The openai SDK hands a Responses `error` event over as an event (it raises only a top-level `error`).
      sdk: async () => {
        const stream = await scripted.gateway
          .openai()
          .responses.create({ model: 'az', input: 'hi', stream: true, store: false });
        const events: Array<{ type: string; message?: string }> = [];
        for await (const event of stream) events.push(event);
        const last = events.at(-1);
        if (last?.type === 'error') throw new OpenAI.APIError(undefined, undefined, last.message, undefined);
      },
      sdkError: OpenAI.APIError,
      message: /server had an error/,
    },
  ];

  for (const dialect of dialects) {
    for (const [what, after] of [
      ['a whole event left without its blank line', dialect.more.trimEnd()],
      ['a whole event', dialect.more],
    ] as const) {
      it(`${dialect.name} passthrough: the error event then ${what} in the same write`, async () => {
        // The whole answer in one write, then the end: the relay reads the end with it, as well as the error.
        scripted.upstream.next.push(oneWrite(dialect.first + dialect.error + after));
        const text = await dialect.raw();
        expect(text.endsWith(dialect.error)).toBe(true);

        scripted.upstream.next.push(sseAnswer([dialect.first, dialect.error + after]));
        const outcome = await dialect.sdk().catch((error: Error) => error);
        expect(outcome).toBeInstanceOf(dialect.sdkError);
        expect((outcome as Error).message).toMatch(dialect.message);
      });
    }
  }
});
