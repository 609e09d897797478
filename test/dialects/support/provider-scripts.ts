import type { FakeAnthropic } from '../../fakes/fake-anthropic.js';
import type { FakeBedrock } from '../../fakes/fake-bedrock.js';
import type { FakeGemini } from '../../fakes/fake-gemini.js';
import type { FakeOpenAI } from '../../fakes/fake-openai.js';
import type { RecordedRequest } from '../../fakes/fake-server.js';
import { type DialectGateway, MODELS } from './dialect-gateway.js';

/** Usage in the IR's terms: input is the total, cache reads and writes are parts of it. */
export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** What the fake upstream received, read in its own wire format. */
export interface Received {
  model: string;
  /** Tool results read from the provider's native form: `tool` messages (OpenAI) or tool_result blocks (Anthropic). */
  toolResults: Array<{ callId: string; text: string }>;
  /** Image parts as the provider's native part/block, in order. */
  images: unknown[];
  /** Thinking blocks sent back in assistant turns (only Anthropic has an input form for them). */
  thinking: Array<{ thinking: string; signature: string }>;
  /** The reasoning switch of the request: reasoning_effort (OpenAI) or thinking (Anthropic). */
  reasoning: unknown;
  /** Names of the tools offered, read from the provider's tool definitions. */
  toolNames: string[];
  /** The system prompt's text: leading system messages (OpenAI) or the `system` field (Anthropic). */
  system: string;
  maxTokens: unknown;
  temperature: unknown;
}

/**
 * How a test scripts one provider type and reads what it received: every call scripts the NEXT answer of the
 * fake, with the usage of USAGE (cache reads, and for Anthropic cache writes, included).
 */
export interface ProviderScript {
  readonly type: 'openai' | 'anthropic' | 'gemini' | 'bedrock';
  readonly model: string;
  readonly upstreamModel: string;
  /** The gateway's provider name (as telemetry records it). */
  readonly provider: string;
  /** A tool call id in this provider's style. */
  readonly callId: string;
  /**
   * What a low-effort / 2048-token reasoning request becomes in this provider's dialect: one value, or one per
   * client entry point where the effort and the budget go differently (Gemini 3 takes an effort as a level).
   */
  readonly reasoningRequested: unknown;
  readonly reasoningRequestedFrom?: Partial<Record<string, unknown>>;
  /** USAGE as the client should see it, in IR terms. */
  readonly usage: Usage;
  replyText(text: string): void;
  /** Tool calls (parallel when several), optionally after signed thinking (OpenAI: unsigned reasoning_content). */
  replyToolCalls(calls: ToolCall[], thinking?: { text: string; signature: string }): void;
  replyThinking(thinking: string, signature: string, text: string): void;
  /** A non-retryable 400 with the provider's error body; the expected client `error.type` is invalid_request_error. */
  rejectRequest(message: string): void;
  /** A stream that fails after a few events with the provider's in-band error event. */
  failMidStream(message: string): void;
  lastRequest(): Received;
  /** The raw JSON body of the last chat request. */
  lastBody(): Record<string, unknown>;
  /** The native image part for a base64 PNG. */
  nativeImage(base64Png: string): unknown;
}

function last(requests: RecordedRequest[]): Record<string, unknown> {
  const request = requests.at(-1);
  if (!request) throw new Error('the fake upstream received no request');
  return request.body as Record<string, unknown>;
}

type Json = Record<string, unknown>;

/** Text content in either provider's forms: a string, or an array of text parts/blocks. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw new Error(`unexpected content ${JSON.stringify(content)}`);
  return (content as Json[]).map((part) => (part.type === 'text' ? part.text : `<${String(part.type)}>`)).join('');
}

/** Where an OpenAI-dialect provider is configured in the dialect gateway, and where its chat requests land. */
interface OpenAIShaped {
  model: { name: string; upstream: string };
  provider: string;
  chatPath: string;
}

const OPENAI_ITSELF: OpenAIShaped = { model: MODELS.openai, provider: 'oai', chatPath: '/v1/chat/completions' };
const AZURE: OpenAIShaped = {
  model: MODELS.azure,
  provider: 'az',
  chatPath: `/openai/deployments/${MODELS.azure.upstream}/chat/completions?api-version=2024-10-21`,
};

function openaiScript(fake: FakeOpenAI, shape: OpenAIShaped = OPENAI_ITSELF): ProviderScript {
  const usage = { prompt: 30, completion: 7, cached: 10 };
  return {
    type: 'openai',
    model: shape.model.name,
    upstreamModel: shape.model.upstream,
    provider: shape.provider,
    callId: 'call_Wx81q',
    reasoningRequested: 'low',
    usage: { input: 30, output: 7, cacheRead: 10, cacheWrite: 0 },
    replyText: (text) => fake.enqueue({ kind: 'reply', text, usage }),
    replyToolCalls: (calls, thinking) =>
      fake.enqueue({
        kind: 'reply',
        toolCalls: calls.map((call) => ({ id: call.id, name: call.name, arguments: JSON.stringify(call.arguments) })),
        ...(thinking ? { reasoning: thinking.text } : {}),
        usage,
      }),
    replyThinking: (thinking, _signature, text) => fake.enqueue({ kind: 'reply', reasoning: thinking, text, usage }),
    rejectRequest: (message) =>
      fake.enqueue({
        kind: 'error',
        status: 400,
        body: { error: { message, type: 'invalid_request_error', param: null, code: null } },
      }),
    failMidStream: (message) => fake.enqueue({ kind: 'streamError', after: 3, message }),
    lastBody: () => last(fake.requestsTo(shape.chatPath)),
    lastRequest: () => {
      const body = last(fake.requestsTo(shape.chatPath));
      const messages = body.messages as Json[];
      const parts = messages.flatMap((m) => (Array.isArray(m.content) ? (m.content as Json[]) : []));
      return {
        model: body.model as string,
        toolResults: messages
          .filter((m) => m.role === 'tool')
          .map((m) => ({ callId: m.tool_call_id as string, text: textOf(m.content) })),
        images: parts.filter((p) => p.type === 'image_url'),
        thinking: [],
        reasoning: body.reasoning_effort,
        toolNames: ((body.tools ?? []) as Array<{ function: { name: string } }>).map((t) => t.function.name),
        system: messages
          .filter((m) => m.role === 'system' || m.role === 'developer')
          .map((m) => textOf(m.content))
          .join('\n\n'),
        maxTokens: body.max_completion_tokens ?? body.max_tokens,
        temperature: body.temperature,
      };
    },
    nativeImage: (png) => ({ type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }),
  };
}

function anthropicScript(fake: FakeAnthropic): ProviderScript {
  const usage = { input: 20, output: 7, cacheRead: 10, cacheCreation: 5 };
  return {
    type: 'anthropic',
    model: MODELS.anthropic.name,
    upstreamModel: MODELS.anthropic.upstream,
    provider: 'ant',
    callId: 'toolu_01Wx81q',
    reasoningRequested: { type: 'enabled', budget_tokens: 2048 },
    usage: { input: 35, output: 7, cacheRead: 10, cacheWrite: 5 },
    replyText: (text) => fake.enqueue({ kind: 'reply', text, usage }),
    replyToolCalls: (calls, thinking) =>
      fake.enqueue({
        kind: 'reply',
        content: [
          ...(thinking ? [{ type: 'thinking' as const, thinking: thinking.text, signature: thinking.signature }] : []),
          ...calls.map((call) => ({ type: 'tool_use' as const, id: call.id, name: call.name, input: call.arguments })),
        ],
        usage,
      }),
    replyThinking: (thinking, signature, text) =>
      fake.enqueue({
        kind: 'reply',
        content: [
          { type: 'thinking', thinking, signature },
          { type: 'text', text },
        ],
        usage,
      }),
    rejectRequest: (message) => fake.enqueue({ kind: 'error', status: 400, message }),
    failMidStream: (message) => fake.enqueue({ kind: 'streamError', after: 4, type: 'api_error', message }),
    lastBody: () => last(fake.requestsTo('/v1/messages')),
    lastRequest: () => {
      const body = last(fake.requestsTo('/v1/messages'));
      const messages = body.messages as Array<{ role: string; content: string | Json[] }>;
      const blocks = (role: string) =>
        messages.filter((m) => m.role === role && Array.isArray(m.content)).flatMap((m) => m.content as Json[]);
      return {
        model: body.model as string,
        toolResults: blocks('user')
          .filter((b) => b.type === 'tool_result')
          .map((b) => ({ callId: b.tool_use_id as string, text: textOf(b.content) })),
        images: blocks('user').filter((b) => b.type === 'image'),
        thinking: blocks('assistant')
          .filter((b) => b.type === 'thinking')
          .map((b) => ({ thinking: b.thinking as string, signature: b.signature as string })),
        reasoning: body.thinking,
        toolNames: ((body.tools ?? []) as Array<{ name: string }>).map((t) => t.name),
        system: body.system === undefined ? '' : textOf(body.system),
        maxTokens: body.max_tokens,
        temperature: body.temperature,
      };
    },
    nativeImage: (png) => ({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }),
  };
}

/** The thought signature the Gemini fake puts on function calls, which the gateway carries in the call id. */
const GEMINI_CALL_SIGNATURE = 'CiQBjz1rX0gemini-call-signature==';
const GEMINI_RESPONSE_ID = 'gmrespTool1';
/** The id a client sees for the first call of that answer: the response id, the index, then the signature. */
const GEMINI_CALL_ID = `call_${GEMINI_RESPONSE_ID}_0__s_${Buffer.from(GEMINI_CALL_SIGNATURE).toString('base64url')}`;

function geminiScript(fake: FakeGemini): ProviderScript {
  const usage = { prompt: 30, candidates: 7, cached: 10 };
  const lastBody = () => last(fake.chatRequests());
  return {
    type: 'gemini',
    model: MODELS.gemini.name,
    upstreamModel: MODELS.gemini.upstream,
    provider: 'gem',
    callId: GEMINI_CALL_ID,
    reasoningRequested: { thinkingBudget: 2048, includeThoughts: true },
    reasoningRequestedFrom: {
      'chat.completions': { thinkingLevel: 'low', includeThoughts: true },
      responses: { thinkingLevel: 'low', includeThoughts: true },
    },
    usage: { input: 30, output: 7, cacheRead: 10, cacheWrite: 0 },
    replyText: (text) => fake.enqueue({ kind: 'reply', text, usage }),
    replyToolCalls: (calls, thinking) =>
      fake.enqueue({
        kind: 'reply',
        responseId: GEMINI_RESPONSE_ID,
        ...(thinking ? { thought: { text: thinking.text } } : {}),
        toolCalls: calls.map((call, i) => ({
          name: call.name,
          args: call.arguments,
          ...(i === 0 ? { signature: GEMINI_CALL_SIGNATURE } : {}),
        })),
        usage,
      }),
    replyThinking: (thinking, signature, text) =>
      fake.enqueue({ kind: 'reply', thought: { text: thinking, signature }, text, usage }),
    rejectRequest: (message) => fake.enqueue({ kind: 'error', status: 400, message, googleStatus: 'INVALID_ARGUMENT' }),
    failMidStream: (message) => fake.enqueue({ kind: 'streamError', after: 2, message }),
    lastBody,
    lastRequest: () => {
      const request = fake.chatRequests().at(-1);
      const body = lastBody();
      const contents = body.contents as Array<{ role: string; parts: Json[] }>;
      const parts = (role: string) => contents.filter((c) => c.role === role).flatMap((c) => c.parts);
      const calls = parts('model').filter((p) => p.functionCall);
      const config = (body.generationConfig ?? {}) as Json;
      const tools = (body.tools ?? []) as Array<{ functionDeclarations: Array<{ name: string }> }>;
      return {
        model: decodeURIComponent(/\/models\/([^:]+):/.exec(request?.path ?? '')?.[1] ?? ''),
        // Gemini answers a call by name; the id the client held is rebuilt from the signature sent back.
        toolResults: parts('user')
          .filter((p) => p.functionResponse)
          .map((p) => {
            const response = p.functionResponse as { name: string; response: { result: string } };
            const call = calls.find((c) => (c.functionCall as { name: string }).name === response.name);
            const signature = call?.thoughtSignature as string | undefined;
            const callId = signature
              ? `call_${GEMINI_RESPONSE_ID}_0__s_${Buffer.from(signature).toString('base64url')}`
              : response.name;
            return { callId, text: response.response.result };
          }),
        images: parts('user').filter((p) => p.inlineData),
        thinking: [],
        reasoning: config.thinkingConfig,
        toolNames: tools.flatMap((t) => t.functionDeclarations.map((d) => d.name)),
        system: ((body.systemInstruction as { parts: Json[] } | undefined)?.parts ?? [])
          .map((p) => p.text)
          .join('\n\n'),
        maxTokens: config.maxOutputTokens,
        temperature: config.temperature,
      };
    },
    nativeImage: (png) => ({ inlineData: { mimeType: 'image/png', data: png } }),
  };
}

function bedrockScript(fake: FakeBedrock): ProviderScript {
  const usage = { input: 20, output: 7, cacheRead: 10, cacheWrite: 5 };
  const lastBody = () => last(fake.chatRequests());
  return {
    type: 'bedrock',
    model: MODELS.bedrock.name,
    upstreamModel: MODELS.bedrock.upstream,
    provider: 'bed',
    callId: 'tooluse_Wx81qBedrock',
    reasoningRequested: { type: 'enabled', budget_tokens: 2048 },
    usage: { input: 35, output: 7, cacheRead: 10, cacheWrite: 5 },
    replyText: (text) => fake.enqueue({ kind: 'reply', text, usage }),
    replyToolCalls: (calls, thinking) =>
      fake.enqueue({
        kind: 'reply',
        ...(thinking ? { reasoning: thinking } : {}),
        toolCalls: calls.map((call) => ({ id: call.id, name: call.name, input: call.arguments })),
        usage,
      }),
    replyThinking: (thinking, signature, text) =>
      fake.enqueue({ kind: 'reply', reasoning: { text: thinking, signature }, text, usage }),
    rejectRequest: (message) => fake.enqueue({ kind: 'error', status: 400, exception: 'ValidationException', message }),
    failMidStream: (message) =>
      fake.enqueue({ kind: 'streamError', after: 4, exception: 'modelStreamErrorException', message }),
    lastBody,
    lastRequest: () => {
      const request = fake.chatRequests().at(-1);
      const body = lastBody();
      const messages = body.messages as Array<{ role: string; content: Json[] }>;
      const blocks = (role: string) => messages.filter((m) => m.role === role).flatMap((m) => m.content);
      const config = (body.inferenceConfig ?? {}) as Json;
      const tools = ((body.toolConfig as Json | undefined)?.tools ?? []) as Array<{ toolSpec: { name: string } }>;
      return {
        model: decodeURIComponent(/^\/model\/([^/]+)\//.exec(request?.path ?? '')?.[1] ?? ''),
        toolResults: blocks('user')
          .filter((b) => b.toolResult)
          .map((b) => {
            const result = b.toolResult as { toolUseId: string; content: Json[] };
            return { callId: result.toolUseId, text: result.content.map((c) => c.text).join('') };
          }),
        images: blocks('user').filter((b) => b.image),
        thinking: blocks('assistant')
          .filter((b) => b.reasoningContent)
          .map((b) => {
            const text = (b.reasoningContent as { reasoningText: { text: string; signature: string } }).reasoningText;
            return { thinking: text.text, signature: text.signature };
          }),
        reasoning: (body.additionalModelRequestFields as Json | undefined)?.thinking,
        toolNames: tools.map((t) => t.toolSpec.name),
        system: ((body.system ?? []) as Json[]).map((s) => s.text).join('\n\n'),
        maxTokens: config.maxTokens,
        temperature: config.temperature,
      };
    },
    nativeImage: (png) => ({ image: { format: 'png', source: { bytes: png } } }),
  };
}

export function providerScripts(gateway: DialectGateway): ProviderScript[] {
  return [
    openaiScript(gateway.openaiUpstream),
    anthropicScript(gateway.anthropicUpstream),
    openaiScript(gateway.azureUpstream, AZURE),
    geminiScript(gateway.geminiUpstream),
    bedrockScript(gateway.bedrockUpstream),
  ];
}
