import type { ClientCodec, UpstreamCodec } from '../contract.js';
import { chatCompletionText } from './completion-text.js';
import { parseChatRequest } from './request-from-client.js';
import { buildChatRequest } from './request-to-upstream.js';
import { decodeChatResponse } from './response-from-upstream.js';
import { chatCompletion } from './response-to-client.js';
import { ChatStreamDecoder } from './stream-from-upstream.js';
import { ChatStreamEncoder } from './stream-to-client.js';
import { decodeChatError } from './upstream-error.js';

/** The Chat Completions name of each top-level IR request field. */
const CLIENT_FIELDS: Readonly<Record<string, string>> = {
  model: 'model',
  system: 'messages',
  messages: 'messages',
  tools: 'tools',
  toolChoice: 'tool_choice',
  parallelToolCalls: 'parallel_tool_calls',
  maxTokens: 'max_completion_tokens',
  temperature: 'temperature',
  topP: 'top_p',
  topK: 'top_k',
  seed: 'seed',
  presencePenalty: 'presence_penalty',
  frequencyPenalty: 'frequency_penalty',
  stopSequences: 'stop',
  stream: 'stream',
  responseFormat: 'response_format',
  cacheControl: 'cache_control',
  reasoning: 'reasoning_effort',
  user: 'user',
};

/** OpenAI Chat Completions as the client's dialect (POST /v1/chat/completions). */
export const openaiChatClientCodec: ClientCodec = {
  parseRequest: parseChatRequest,
  encodeResponse: (response, context) => ({ ...chatCompletion(response, context) }),
  encodeResponseText: chatCompletionText,
  streamEncoder: (context) => new ChatStreamEncoder(context),
  clientField: (irField, body) =>
    // The output limit has two names; name the one the client sent.
    irField === 'maxTokens' && body?.max_tokens != null && body.max_completion_tokens == null
      ? 'max_tokens'
      : (CLIENT_FIELDS[irField] ?? irField),
};

/** An OpenAI-compatible Chat Completions server as the upstream. */
export const openaiChatUpstreamCodec: UpstreamCodec = {
  buildRequest: buildChatRequest,
  decodeResponse: decodeChatResponse,
  streamDecoder: () => new ChatStreamDecoder(),
  decodeError: decodeChatError,
};
