import OpenAI from 'openai';
import type {
  Response,
  ResponseCreateParamsNonStreaming,
  ResponseInputContent,
  ResponseInputItem,
} from 'openai/resources/responses/responses';
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

function turnOf(response: Response): TurnResult {
  const usage = response.usage;
  return {
    text: response.output_text,
    toolCalls: response.output.flatMap((item) =>
      item.type === 'function_call'
        ? [{ id: item.call_id, name: item.name, arguments: JSON.parse(item.arguments) }]
        : [],
    ),
    reasoning: response.output
      .flatMap((item) => (item.type === 'reasoning' ? item.summary.map((part) => part.text) : []))
      .join(''),
    finish:
      response.status === 'incomplete' ? `incomplete:${response.incomplete_details?.reason}` : (response.status ?? ''),
    usage: usage
      ? {
          input: usage.input_tokens,
          output: usage.output_tokens,
          cacheRead: usage.input_tokens_details.cached_tokens,
        }
      : {},
  };
}

class ResponsesConversation implements Conversation {
  private readonly input: ResponseInputItem[];

  constructor(
    private readonly client: OpenAI,
    private readonly ask: Ask,
  ) {
    const content: ResponseInputContent[] = [{ type: 'input_text', text: ask.prompt }];
    if (ask.image) content.push({ type: 'input_image', image_url: dataUrl(ask.image), detail: 'auto' });
    this.input = [{ role: 'user', content }];
  }

  private params(): Omit<ResponseCreateParamsNonStreaming, 'stream'> {
    return {
      model: this.ask.model,
      input: [...this.input],
      store: false,
      include: ['reasoning.encrypted_content'],
      ...(this.ask.system ? { instructions: this.ask.system } : {}),
      ...(this.ask.maxTokens ? { max_output_tokens: this.ask.maxTokens } : {}),
      ...(this.ask.temperature === undefined ? {} : { temperature: this.ask.temperature }),
      ...(this.ask.tools ? { tools: [{ type: 'function', strict: false, ...WEATHER_TOOL }] } : {}),
      ...(this.ask.reasoning ? { reasoning: { effort: 'low', summary: 'auto' } } : {}),
    };
  }

  async send(stream: boolean): Promise<TurnResult> {
    const response = stream
      ? await this.client.responses.stream(this.params()).finalResponse()
      : await this.client.responses.create(this.params());
    // The stateless pattern: the next request carries every output item back, reasoning included.
    this.input.push(...(response.output as ResponseInputItem[]));
    return turnOf(response);
  }

  toolResults(results: ToolResult[]): void {
    for (const { callId, text } of results) {
      this.input.push({ type: 'function_call_output', call_id: callId, output: text });
    }
  }

  user(text: string): void {
    this.input.push({ role: 'user', content: text });
  }
}

/** The openai SDK's responses API (store: false), as Codex and newer OpenAI SDK applications call it. */
export function responsesDriver(client: OpenAI): ClientDriver {
  return {
    name: 'openai responses',
    entryPoint: 'responses',
    carriesSignatures: true,
    carriesCacheWrites: false,
    finish: { end: 'completed', toolUse: 'completed' },
    errorTypes: { server: 'server_error', overloaded: 'server_error' },
    start: (ask) => new ResponsesConversation(client, ask),
    error: (action) => sdkErrorOf(action, OpenAI.APIError),
  };
}
