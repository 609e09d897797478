import Anthropic from '@anthropic-ai/sdk';
import {
  type Ask,
  type ClientDriver,
  type Conversation,
  REASONING_BUDGET,
  sdkErrorOf,
  type ToolResult,
  type TurnResult,
  WEATHER_TOOL,
} from './client-driver.js';

function turnOf(message: Anthropic.Message): TurnResult {
  const usage = message.usage;
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  return {
    text: message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join(''),
    toolCalls: message.content.flatMap((block) =>
      block.type === 'tool_use'
        ? [{ id: block.id, name: block.name, arguments: block.input as Record<string, unknown> }]
        : [],
    ),
    reasoning: message.content.flatMap((block) => (block.type === 'thinking' ? [block.thinking] : [])).join(''),
    finish: message.stop_reason ?? '',
    // Anthropic counts input_tokens without the cache reads and writes; the IR total adds them back.
    usage: { input: usage.input_tokens + cacheRead + cacheWrite, output: usage.output_tokens, cacheRead, cacheWrite },
  };
}

class MessagesConversation implements Conversation {
  private readonly messages: Anthropic.MessageParam[];

  constructor(
    private readonly client: Anthropic,
    private readonly ask: Ask,
  ) {
    const content: Anthropic.ContentBlockParam[] = [{ type: 'text', text: ask.prompt }];
    if (ask.image) {
      content.push({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: ask.image } });
    }
    this.messages = [{ role: 'user', content: ask.image ? content : ask.prompt }];
  }

  private params(): Anthropic.MessageCreateParamsNonStreaming {
    const { name, description, parameters } = WEATHER_TOOL;
    return {
      model: this.ask.model,
      max_tokens: this.ask.maxTokens ?? 4096,
      messages: [...this.messages],
      ...(this.ask.system ? { system: this.ask.system } : {}),
      ...(this.ask.temperature === undefined ? {} : { temperature: this.ask.temperature }),
      ...(this.ask.tools ? { tools: [{ name, description, input_schema: parameters }] } : {}),
      ...(this.ask.reasoning ? { thinking: { type: 'enabled', budget_tokens: REASONING_BUDGET } } : {}),
    };
  }

  async send(stream: boolean): Promise<TurnResult> {
    const message = stream
      ? await this.client.messages.stream(this.params()).finalMessage()
      : await this.client.messages.create(this.params());
    this.messages.push({ role: 'assistant', content: message.content });
    return turnOf(message);
  }

  toolResults(results: ToolResult[]): void {
    const content = results.map(({ callId, text }) => ({
      type: 'tool_result' as const,
      tool_use_id: callId,
      content: text,
    }));
    this.messages.push({ role: 'user', content });
  }

  user(text: string): void {
    this.messages.push({ role: 'user', content: text });
  }
}

/** The @anthropic-ai/sdk messages API, as Claude Code and Anthropic SDK applications call it. */
export function messagesDriver(client: Anthropic): ClientDriver {
  return {
    name: 'anthropic messages',
    entryPoint: 'messages',
    carriesSignatures: true,
    carriesCacheWrites: true,
    finish: { end: 'end_turn', toolUse: 'tool_use' },
    errorTypes: { server: 'api_error', overloaded: 'overloaded_error' },
    start: (ask) => new MessagesConversation(client, ask),
    error: (action) => sdkErrorOf(action, Anthropic.APIError),
  };
}
