import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatDriver } from './support/chat-driver.js';
import { DialectGateway } from './support/dialect-gateway.js';
import { messagesDriver } from './support/messages-driver.js';
import { type ProviderScript, providerScripts, type ToolCall } from './support/provider-scripts.js';
import { responsesDriver } from './support/responses-driver.js';

/**
 * Multi-turn conversations whose shape the upstream checks: parallel tool calls answered together, and thinking
 * carried across a tool turn. What the upstream received is summarised as one line per message, e.g.
 * `assistant:tool_use(toolu_a),tool_use(toolu_b)`, so the turn structure itself is what is compared.
 */

type Json = Record<string, unknown>;

/** One line per message: role, then the tool calls / blocks it holds. */
function shapeOf(provider: ProviderScript): string[] {
  const messages = provider.lastBody().messages as Json[];
  if (provider.type === 'openai') {
    return messages.map((m) => {
      const calls = (m.tool_calls as Array<{ id: string }> | undefined)?.map((c) => c.id).join(',');
      const ref = (m.tool_call_id as string | undefined) ?? calls;
      return ref ? `${m.role}:${ref}` : String(m.role);
    });
  }
  return messages.map((m) => {
    const blocks = typeof m.content === 'string' ? [{ type: 'text' }] : (m.content as Json[]);
    const described = blocks.map((b) => {
      const id = (b.id ?? b.tool_use_id) as string | undefined;
      return id ? `${b.type}(${id})` : String(b.type);
    });
    return `${m.role}:${described.join(',')}`;
  });
}

function calls(provider: ProviderScript): [ToolCall, ToolCall] {
  const prefix = provider.type === 'openai' ? 'call_' : 'toolu_';
  return [
    { id: `${prefix}paris`, name: 'get_weather', arguments: { city: 'Paris' } },
    { id: `${prefix}london`, name: 'get_weather', arguments: { city: 'London' } },
  ];
}

let gateway: DialectGateway;

const DRIVERS = [
  { name: 'openai chat.completions', make: () => chatDriver(gateway.harness.openai()) },
  { name: 'anthropic messages', make: () => messagesDriver(gateway.harness.anthropic()) },
  { name: 'openai responses', make: () => responsesDriver(gateway.harness.openai()) },
];
const PROVIDERS = [
  { type: 'openai', pick: () => providerScripts(gateway)[0] as ProviderScript },
  { type: 'anthropic', pick: () => providerScripts(gateway)[1] as ProviderScript },
];

describe('conversations across dialects', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(() => gateway.reset());

  describe.each(DRIVERS)('$name client', ({ make }) => {
    describe.each(PROVIDERS)('-> $type upstream', ({ type, pick }) => {
      it.each([false, true])('answers parallel tool calls together (stream: %s)', async (stream) => {
        const driver = make();
        const provider = pick();
        const [paris, london] = calls(provider);
        provider.replyToolCalls([paris, london]);
        const conversation = driver.start({
          model: provider.model,
          prompt: 'Weather in Paris and London?',
          tools: true,
        });
        expect((await conversation.send(stream)).toolCalls).toEqual([paris, london]);
        conversation.toolResults([
          { callId: paris.id, text: '18C' },
          { callId: london.id, text: '12C' },
        ]);
        provider.replyText('Paris is warmer.');
        expect((await conversation.send(stream)).text).toBe('Paris is warmer.');
        expect(shapeOf(provider)).toEqual(
          type === 'openai'
            ? ['user', 'assistant:call_paris,call_london', 'tool:call_paris', 'tool:call_london']
            : [
                'user:text',
                'assistant:tool_use(toolu_paris),tool_use(toolu_london)',
                'user:tool_result(toolu_paris),tool_result(toolu_london)',
              ],
        );
        expect(provider.lastRequest().toolResults).toEqual([
          { callId: paris.id, text: '18C' },
          { callId: london.id, text: '12C' },
        ]);
      });

      it.each([false, true])('carries thinking across a tool turn where it can (stream: %s)', async (stream) => {
        const driver = make();
        const provider = pick();
        const [paris] = calls(provider);
        const thinking = { text: 'I should look the weather up.', signature: 'sig-tool-turn' };
        provider.replyToolCalls([paris], thinking);
        const ask = { model: provider.model, prompt: 'Weather in Paris?', tools: true, reasoning: true };
        const conversation = driver.start(ask);
        expect(await conversation.send(stream)).toMatchObject({ reasoning: thinking.text, toolCalls: [paris] });
        conversation.toolResults([{ callId: paris.id, text: '18C' }]);
        provider.replyText('18C in Paris.');
        await conversation.send(stream);
        const received = provider.lastRequest();
        if (type === 'openai') {
          // No OpenAI-compatible upstream has an input form for earlier reasoning; the request keeps its effort.
          expect(shapeOf(provider)).toEqual(['user', 'assistant:call_paris', 'tool:call_paris']);
          expect(received.reasoning).toBe('low');
          return;
        }
        // Anthropic refuses thinking on a tool turn whose tool_use is not preceded by its signed thinking, so a
        // client that cannot carry signatures (Chat) continues the turn without thinking.
        const signed = driver.carriesSignatures;
        expect(shapeOf(provider)).toEqual([
          'user:text',
          `assistant:${signed ? 'thinking,' : ''}tool_use(toolu_paris)`,
          'user:tool_result(toolu_paris)',
        ]);
        expect(received.thinking).toEqual(signed ? [{ thinking: thinking.text, signature: thinking.signature }] : []);
        expect(received.reasoning).toEqual(signed ? { type: 'enabled', budget_tokens: 2048 } : undefined);
      });
    });
  });
});
