import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useScriptedGateway } from '../support/scripted-gateway.js';
import { type Script, sseAnswer } from '../support/scripted-upstream.js';

const BOM = '\uFEFF';

/** An OpenAI chat chunk's event. */
function chatChunk(delta: object, finish: string | null = null): string {
  const chunk = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm' };
  return `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}
const CHAT_USAGE = `data: ${JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [],
  usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
})}\n\n`;

/** An Anthropic Messages event: its `event:` name and its data's `type` agree, as the API sends them. */
const anthropicEvent = (type: string, fields: object) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`;

/** A Responses stream event, as OpenAI and Azure send them: its `event:` name and its data's `type` agree. */
const responsesEvent = (type: string, fields: object) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`;
const responsesDelta = (delta: string) =>
  responsesEvent('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta });
const responsesStart = responsesEvent('response.created', {
  response: { id: 'resp_1', object: 'response', status: 'in_progress', model: 'm', output: [] },
});
const responsesCompleted = responsesEvent('response.completed', {
  response: {
    id: 'resp_1',
    object: 'response',
    status: 'completed',
    model: 'm',
    output: [],
    usage: { input_tokens: 7, output_tokens: 3, total_tokens: 10 },
  },
});

/** A Gemini streamGenerateContent?alt=sse event (Google ends its lines with CRLF). */
const geminiChunk = (body: object) => `data: ${JSON.stringify(body)}\r\n\r\n`;
const geminiText = (text: string, finishReason?: string) =>
  geminiChunk({
    candidates: [
      { content: { parts: [{ text }], role: 'model' }, index: 0, ...(finishReason ? { finishReason } : {}) },
    ],
    modelVersion: 'gemini-x',
  });
const GEMINI_USAGE = geminiChunk({
  usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 3, totalTokenCount: 10 },
  modelVersion: 'gemini-x',
});

/**
 * SSE streams framed in ways the spec allows or real services produce, on translated routes, through the
 * official SDKs: the client gets the whole answer in its own dialect, and the record its usage.
 */
describe('SSE framing variants from upstreams', () => {
  const scripted = useScriptedGateway();

  async function chatText(model: string, script: Script) {
    scripted.upstream.next.push(script);
    const { data, response } = await scripted.gateway
      .openai()
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
    const id = response.headers.get('x-request-id');
    return { text, record: await scripted.gateway.recordWhere((r) => r.id === id) };
  }

  async function messagesText(model: string, script: Script) {
    scripted.upstream.next.push(script);
    const { data, response } = await scripted.gateway
      .anthropic()
      .messages.create({ model, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    let text = '';
    for await (const event of data) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    const id = response.headers.get('request-id') ?? response.headers.get('x-request-id');
    return { text, record: await scripted.gateway.recordWhere((r) => r.id === id) };
  }

  /** `store: false` makes the turn stateless, which a provider with its own Responses API is passed. */
  async function responsesText(model: string, script: Script, store?: false) {
    scripted.upstream.next.push(script);
    const { data, response } = await scripted.gateway
      .openai()
      .responses.create({ model, input: 'hi', stream: true, ...(store === false ? { store } : {}) })
      .withResponse();
    let text = '';
    for await (const event of data) if (event.type === 'response.output_text.delta') text += event.delta;
    const id = response.headers.get('x-request-id');
    return { text, record: await scripted.gateway.recordWhere((r) => r.id === id) };
  }

  describe('a UTF-8 byte order mark before the first event (the SSE decoder strips one)', () => {
    const openaiWithBom = () =>
      sseAnswer([
        `${BOM}${chatChunk({ role: 'assistant', content: 'Hel' })}`,
        chatChunk({ content: 'lo' }),
        chatChunk({}, 'stop'),
        CHAT_USAGE,
        'data: [DONE]\n\n',
      ]);
    const geminiWithBom = () => sseAnswer([`${BOM}${geminiText('Hel')}`, geminiText('lo', 'STOP'), GEMINI_USAGE]);

    it('OpenAI upstream, Anthropic client: the first event is kept', async () => {
      const { text, record } = await messagesText('oa', openaiWithBom());
      expect(text).toBe('Hello');
      expect(record).toMatchObject({ status: 200, errorCode: null, inputTokens: 7, outputTokens: 3 });
    });

    it('OpenAI upstream, Responses client: the first event is kept', async () => {
      const { text, record } = await responsesText('oa', openaiWithBom());
      expect(text).toBe('Hello');
      expect(record).toMatchObject({ status: 200, errorCode: null, inputTokens: 7, outputTokens: 3 });
    });

    it('Gemini upstream, OpenAI client: the first event is kept', async () => {
      const { text, record } = await chatText('gem', geminiWithBom());
      expect(text).toBe('Hello');
      expect(record).toMatchObject({ status: 200, errorCode: null, inputTokens: 7, outputTokens: 3 });
    });
  });

  describe('a stream cut inside its last event (no blank line after it)', () => {
    for (const [where, last] of [
      ['after its data', chatChunk({ content: 'lo' }).trimEnd()],
      ['inside its data', chatChunk({ content: 'lo' }).slice(0, 60)],
    ] as const) {
      it(`OpenAI passthrough, cut ${where}: the client's error is the gateway's event, not bad JSON`, async () => {
        const script = sseAnswer([chatChunk({ role: 'assistant', content: 'Hel' }), last]);
        const outcome = await chatText('oa', script).catch((error: Error) => error);
        expect(outcome).toBeInstanceOf(OpenAI.APIError);
        expect((outcome as Error).message).toMatch(/ended without \[DONE\]/);
      });
    }

    it("Anthropic passthrough: the client's error is the gateway's event, not two events glued into bad JSON", async () => {
      const script = sseAnswer([
        anthropicEvent('message_start', {
          message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-x', content: [] },
        }),
        anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
        anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hel' } }).trimEnd(),
      ]);
      const outcome = await messagesText('an', script).catch((error: Error) => error);
      expect(outcome).toBeInstanceOf(Anthropic.APIError);
      expect((outcome as Error).message).toMatch(/ended without message_stop/);
    });

    it('Anthropic passthrough, cut inside the message_stop data (not forwarded): the error event, not a quiet end', async () => {
      const script = sseAnswer([
        anthropicEvent('message_start', {
          message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-x', content: [] },
        }),
        anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
        anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hello' } }),
        anthropicEvent('content_block_stop', { index: 0 }),
        anthropicEvent('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 1 } }),
        anthropicEvent('message_stop', {}).slice(0, -3),
      ]);
      const outcome = await messagesText('an', script).catch((error: Error) => error);
      expect(outcome).toBeInstanceOf(Anthropic.APIError);
      expect((outcome as Error).message).toMatch(/ended without message_stop/);
    });
  });

  describe('the Azure Responses passthrough frames its events as the Chat passthrough does', () => {
    for (const [where, last] of [
      ['after its data', responsesDelta('lo').trimEnd()],
      ['inside its data', responsesDelta('lo').slice(0, 80)],
    ] as const) {
      it(`cut ${where}: the client reads the gateway's error event, not bad JSON`, async () => {
        scripted.upstream.next.push(sseAnswer([responsesStart, responsesDelta('Hel'), last]));
        const stream = await scripted.gateway
          .openai()
          .responses.create({ model: 'az', input: 'hi', stream: true, store: false });
        const types: string[] = [];
        // The SDK raises the gateway's error event (its nested `error`) instead of ending like a whole stream.
        await expect(async () => {
          for await (const event of stream) types.push(event.type);
        }).rejects.toThrow(/ended without response\.completed/);
        expect(types.at(-1)).toBe('response.output_text.delta');
      });
    }

    it('cut inside its response.completed data: the error event and an error record, not a quiet end and a 200', async () => {
      // The half event is not forwarded (see forwardedTail), so the client never gets response.completed: the
      // completion is judged on what the client got, not on the bytes read, which name the type early in the data.
      scripted.upstream.next.push(sseAnswer([responsesStart, responsesDelta('Hel'), responsesCompleted.slice(0, 90)]));
      const { data, response } = await scripted.gateway
        .openai()
        .responses.create({ model: 'az', input: 'hi', stream: true, store: false })
        .withResponse();
      const types: string[] = [];
      await expect(async () => {
        for await (const event of data) types.push(event.type);
      }).rejects.toThrow(/ended without response\.completed/);
      expect(types).not.toContain('response.completed');
      const id = response.headers.get('x-request-id');
      const record = await scripted.gateway.recordWhere((r) => r.id === id);
      expect(record.errorCode).toBe('GW_ERR_UPSTREAM_STREAM');
    });

    it('drops `event:` lines without data (the OpenAI SDK parsed them as empty JSON)', async () => {
      const script = sseAnswer([
        'event: keepalive\n\n',
        responsesStart,
        'event: ping\r\n\r\n',
        `${responsesDelta('Hel')}event: ping\nid: 7\n\n${responsesDelta('lo')}`,
        responsesCompleted,
      ]);
      const { text, record } = await responsesText('az', script, false);
      expect(text).toBe('Hello');
      expect(record).toMatchObject({ status: 200, errorCode: null, inputTokens: 7, outputTokens: 3 });
    });

    it('drops `event:` lines without data from a stream with CR-only line ends', async () => {
      const cr = (event: string) => event.replaceAll('\n', '\r');
      const script = sseAnswer(
        [responsesStart, `${responsesDelta('Hel')}event: ping\n\n`, responsesDelta('lo'), responsesCompleted].map(cr),
      );
      const { text, record } = await responsesText('az', script, false);
      expect(text).toBe('Hello');
      expect(record).toMatchObject({ status: 200, errorCode: null, inputTokens: 7, outputTokens: 3 });
    });
  });

  describe('an OpenAI-compatible stream that closes after its finish_reason without `data: [DONE]`', () => {
    it('is a complete answer for a Chat Completions client (passthrough), as it is for the SDK and translated routes', async () => {
      const script = sseAnswer([chatChunk({ role: 'assistant', content: 'Hello' }), chatChunk({}, 'stop'), CHAT_USAGE]);
      scripted.upstream.next.push(script);
      const { data, response } = await scripted.gateway
        .openai()
        .chat.completions.create({
          model: 'oa',
          messages: [{ role: 'user', content: 'hi' }],
          stream: true,
          stream_options: { include_usage: true },
        })
        .withResponse();
      let text = '';
      let finish: string | null | undefined;
      let usage: unknown;
      for await (const chunk of data) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        usage = chunk.usage ?? usage;
      }
      expect({ text, finish, usage }).toMatchObject({ text: 'Hello', finish: 'stop', usage: { total_tokens: 10 } });
      const id = response.headers.get('x-request-id');
      const record = await scripted.gateway.recordWhere((r) => r.id === id);
      expect(record).toMatchObject({ status: 200, errorCode: null, inputTokens: 7, outputTokens: 3 });
      expect(record.attempts[0]?.errorClass).toBeUndefined();
    });

    it('is complete when keep-alive comments and the usage chunk take several reads after the finish_reason', async () => {
      const script = sseAnswer([
        chatChunk({ role: 'assistant', content: 'Hello' }),
        chatChunk({}, 'stop'),
        ': keep-alive\n\n',
        ': keep-alive\n\n',
        CHAT_USAGE,
        ': keep-alive\n\n',
      ]);
      const { text, record } = await chatText('oa', script);
      expect(text).toBe('Hello');
      expect(record).toMatchObject({ status: 200, errorCode: null, inputTokens: 7, outputTokens: 3 });
    });

    it('still ends in an error when no finish_reason came before the close', async () => {
      const script = sseAnswer([chatChunk({ role: 'assistant', content: 'Hel' }), chatChunk({ content: 'lo' })]);
      await expect(chatText('oa', script)).rejects.toThrow(/ended without \[DONE\]/);
    });

    it('still ends in an error when the close cut the finish_reason chunk inside its data (not forwarded)', async () => {
      const script = sseAnswer([
        chatChunk({ role: 'assistant', content: 'Hello' }),
        chatChunk({}, 'stop').slice(0, -6),
      ]);
      await expect(chatText('oa', script)).rejects.toThrow(/ended without \[DONE\]/);
    });
  });

  it('drops `event:` lines without data from a passed-through Chat stream (they dispatch nothing; the OpenAI SDK parsed them as empty JSON)', async () => {
    const script = sseAnswer([
      'event: keepalive\n\n',
      chatChunk({ role: 'assistant', content: 'Hel' }),
      'event: ping\r\n\r\n',
      `${chatChunk({ content: 'lo' })}event: ping\n\n${chatChunk({}, 'stop')}`,
      CHAT_USAGE,
      'data: [DONE]\n\n',
    ]);
    const { text, record } = await chatText('oa', script);
    expect(text).toBe('Hello');
    expect(record).toMatchObject({ status: 200, errorCode: null, inputTokens: 7, outputTokens: 3 });
  });

  it('drops `event:` lines without data from a passed-through Chat stream with CR-only line ends', async () => {
    const cr = (event: string) => event.replaceAll('\n', '\r');
    const script = sseAnswer(
      [
        chatChunk({ role: 'assistant', content: 'Hel' }),
        `${chatChunk({ content: 'lo' })}event: ping\n\n${chatChunk({}, 'stop')}`,
        CHAT_USAGE,
        'data: [DONE]\n\n',
      ].map(cr),
    );
    const { text, record } = await chatText('oa', script);
    expect(text).toBe('Hello');
    expect(record).toMatchObject({ status: 200, errorCode: null, inputTokens: 7, outputTokens: 3 });
  });
});
