import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionContentPart,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import {
  type Ask,
  type ClientDriver,
  type Conversation,
  dataUrl,
  sdkErrorOf,
  type ToolResult,
  type TurnResult,
  WEATHER_TOOL,
} from './client-driver.js';

/** DeepSeek-style reasoning that OpenAI-compatible servers add to the message and to deltas. */
type WithReasoning = { reasoning_content?: string | null };

function turnOf(completion: ChatCompletion, streamedReasoning?: string): TurnResult {
  const choice = completion.choices[0];
  if (!choice) throw new Error('no choice in the completion');
  const message = choice.message;
  const usage = completion.usage;
  return {
    text: message.content ?? '',
    toolCalls: (message.tool_calls ?? []).flatMap((call) =>
      call.type === 'function'
        ? [{ id: call.id, name: call.function.name, arguments: JSON.parse(call.function.arguments) }]
        : [],
    ),
    reasoning: streamedReasoning ?? (message as WithReasoning).reasoning_content ?? '',
    finish: choice.finish_reason,
    usage: usage
      ? {
          input: usage.prompt_tokens,
          output: usage.completion_tokens,
          cacheRead: usage.prompt_tokens_details?.cached_tokens ?? 0,
        }
      : {},
  };
}

class ChatConversation implements Conversation {
  private readonly messages: ChatCompletionMessageParam[];

  constructor(
    private readonly client: OpenAI,
    private readonly ask: Ask,
  ) {
    const content: ChatCompletionContentPart[] = [{ type: 'text', text: ask.prompt }];
    if (ask.image) content.push({ type: 'image_url', image_url: { url: dataUrl(ask.image) } });
    this.messages = [{ role: 'user', content: ask.image ? content : ask.prompt }];
    if (ask.system) this.messages.unshift({ role: 'system', content: ask.system });
  }

  private params(): Omit<ChatCompletionCreateParamsNonStreaming, 'stream'> {
    return {
      model: this.ask.model,
      messages: [...this.messages],
      ...(this.ask.tools ? { tools: [{ type: 'function', function: WEATHER_TOOL }] } : {}),
      ...(this.ask.reasoning ? { reasoning_effort: 'low' } : {}),
      ...(this.ask.maxTokens ? { max_completion_tokens: this.ask.maxTokens } : {}),
      ...(this.ask.temperature === undefined ? {} : { temperature: this.ask.temperature }),
    };
  }

  async send(stream: boolean): Promise<TurnResult> {
    let turn: TurnResult;
    let message: ChatCompletion['choices'][number]['message'] | undefined;
    if (stream) {
      const running = this.client.chat.completions.stream({
        ...this.params(),
        stream_options: { include_usage: true },
      });
      // The SDK's snapshot keeps only the last piece of a non-standard delta field, so read reasoning from chunks.
      let reasoning = '';
      running.on('chunk', (chunk) => {
        reasoning += (chunk.choices[0]?.delta as WithReasoning | undefined)?.reasoning_content ?? '';
      });
      const completion = await running.finalChatCompletion();
      turn = turnOf(completion, reasoning);
      message = completion.choices[0]?.message;
    } else {
      const completion = await this.client.chat.completions.create(this.params());
      turn = turnOf(completion);
      message = completion.choices[0]?.message;
    }
    if (message) this.messages.push(message as ChatCompletionMessageParam);
    return turn;
  }

  toolResults(results: ToolResult[]): void {
    for (const { callId, text } of results) this.messages.push({ role: 'tool', tool_call_id: callId, content: text });
  }

  user(text: string): void {
    this.messages.push({ role: 'user', content: text });
  }
}

/** The openai SDK's chat.completions, as most applications call an LLM. */
export function chatDriver(client: OpenAI): ClientDriver {
  return {
    name: 'openai chat.completions',
    entryPoint: 'chat.completions',
    carriesSignatures: false,
    carriesCacheWrites: false,
    finish: { end: 'stop', toolUse: 'tool_calls' },
    errorTypes: { server: 'server_error', overloaded: 'server_error' },
    start: (ask) => new ChatConversation(client, ask),
    error: (action) => sdkErrorOf(action, OpenAI.APIError),
  };
}
