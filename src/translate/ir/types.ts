/**
 * The internal representation every dialect translates through: client dialect -> IR -> upstream dialect,
 * and upstream response/stream -> IR -> client dialect. It is a superset of what the dialects share, shaped
 * closest to Anthropic Messages (content blocks), because that is the richest of the three.
 *
 * Token usage: `inputTokens` is the TOTAL input, including cache reads and writes (OpenAI semantics);
 * `cacheReadTokens` and `cacheWriteTokens` are parts of it. Anthropic reports them separately, so its
 * translators add/subtract.
 */

import type { ErrorKind } from '../../errors/gateway-error.js';

export type IrImageSource = { kind: 'url'; url: string } | { kind: 'base64'; mediaType: string; data: string };

/** A file given to the model (PDF or plain text): Anthropic `document`, OpenAI `file`, Responses `input_file`. */
export type IrDocumentSource =
  | { kind: 'base64'; mediaType: string; data: string }
  | { kind: 'url'; url: string }
  | { kind: 'text'; text: string };

/** Provider prompt-cache hint (Anthropic `cache_control`); dropped where a dialect cannot express it. */
export interface IrCacheControl {
  type: 'ephemeral';
  ttl?: string | undefined;
}

export interface IrTextPart {
  type: 'text';
  text: string;
  cacheControl?: IrCacheControl | undefined;
  /** In answers: each generated token's log probability, when the request asked for them. */
  logprobs?: IrTokenLogprob[] | undefined;
}

/** One generated token's log probability and, when asked for, the likeliest alternatives at its place. */
export interface IrTokenLogprob {
  token: string;
  logprob: number;
  /** The token's UTF-8 bytes (a token may be part of a character). */
  bytes: number[];
  top: Array<{ token: string; logprob: number; bytes: number[] }>;
}

export interface IrImagePart {
  type: 'image';
  source: IrImageSource;
  /** OpenAI image `detail`. */
  detail?: 'auto' | 'low' | 'high' | undefined;
  cacheControl?: IrCacheControl | undefined;
}

export interface IrDocumentPart {
  type: 'document';
  source: IrDocumentSource;
  /** File name (OpenAI `filename`) or document title (Anthropic `title`). */
  title?: string | undefined;
  cacheControl?: IrCacheControl | undefined;
}

export interface IrToolCallPart {
  type: 'tool_call';
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as the model produced them. */
  arguments: string;
  /**
   * Where the call sits in the client's request when its message's path does not say (a Responses
   * `function_call` item, grouped with others into one message), for error messages.
   */
  path?: string | undefined;
}

export interface IrToolResultPart {
  type: 'tool_result';
  toolCallId: string;
  /** Documents come from agents' file tools: Claude Code's Read tool sends a PDF as a document block. */
  content: Array<IrTextPart | IrImagePart | IrDocumentPart>;
  isError?: boolean | undefined;
  cacheControl?: IrCacheControl | undefined;
  /** Where the result sits in the client's request when its message's path does not say (a Responses `output`). */
  path?: string | undefined;
}

/** Model reasoning. `signature` (Anthropic) must be sent back unchanged on later turns. */
export interface IrThinkingPart {
  type: 'thinking';
  text: string;
  signature?: string | undefined;
}

export interface IrRedactedThinkingPart {
  type: 'redacted_thinking';
  data: string;
}

export type IrPart =
  | IrTextPart
  | IrImagePart
  | IrDocumentPart
  | IrToolCallPart
  | IrToolResultPart
  | IrThinkingPart
  | IrRedactedThinkingPart;

export interface IrMessage {
  /**
   * `system`: an instruction given in the middle of the conversation (Anthropic clients such as Claude Code send
   * them); it holds text parts only. Chat upstreams keep it in place as a system message; Anthropic upstreams,
   * which take one top-level system prompt, get it appended there.
   */
  role: 'user' | 'assistant' | 'system';
  content: IrPart[];
  /** Where this message came from in the client's request (e.g. "messages[3]", "input[5]"), for error messages. */
  path?: string | undefined;
}

export interface IrTool {
  name: string;
  description?: string | undefined;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
  strict?: boolean | undefined;
  cacheControl?: IrCacheControl | undefined;
}

export type IrToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'tool'; name: string };

export type IrResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      schema: Record<string, unknown>;
      strict?: boolean | undefined;
      description?: string | undefined;
    };

export interface IrReasoning {
  /**
   * OpenAI-style effort. `none` asks for no reasoning: upstreams that think only when asked get nothing, and
   * Gemini, which thinks by default, the least thinking the model allows.
   */
  effort?: 'none' | 'minimal' | 'low' | 'medium' | 'high' | undefined;
  /** Anthropic-style thinking budget in tokens. */
  budgetTokens?: number | undefined;
  /** Responses API: whether a reasoning summary is wanted. */
  summary?: 'auto' | 'concise' | 'detailed' | undefined;
}

export interface IrRequest {
  model: string;
  system: IrTextPart[];
  messages: IrMessage[];
  tools: IrTool[];
  toolChoice?: IrToolChoice | undefined;
  parallelToolCalls?: boolean | undefined;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  topP?: number | undefined;
  topK?: number | undefined;
  /** Seeded sampling (OpenAI `seed`, Gemini `seed`): a best-effort determinism hint. */
  seed?: number | undefined;
  /** OpenAI-style penalties, -2 to 2 (Gemini `presencePenalty`, `frequencyPenalty`). */
  presencePenalty?: number | undefined;
  frequencyPenalty?: number | undefined;
  stopSequences: string[];
  stream: boolean;
  /**
   * The last message is an assistant turn the model is to continue (an Anthropic client's prefill), not an
   * earlier turn to answer after. Builders for upstreams that cannot continue one refuse it.
   */
  prefill?: boolean | undefined;
  responseFormat?: IrResponseFormat | undefined;
  reasoning?: IrReasoning | undefined;
  /**
   * How long an answer to write (OpenAI `verbosity`, Responses `text.verbosity`), when not the default `medium`:
   * a style hint, sent where the upstream model takes it, else dropped and reported (shared/verbosity.ts).
   */
  verbosity?: 'low' | 'high' | undefined;
  /** End-user id for abuse tracking (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string | undefined;
  /**
   * Log probabilities of the output tokens are wanted, with `top` alternatives per token (0 for none). Only Chat
   * Completions upstreams return them; the other builders refuse the request.
   */
  logprobs?: { top: number } | undefined;
}

export type IrStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'content_filter'
  | 'refusal'
  | 'pause_turn'
  /** The input and output together filled the model's context window (Anthropic and Bedrock say so). */
  | 'model_context_window_exceeded';

export interface IrUsage {
  /** Total input tokens, cache reads and writes included. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Part of outputTokens spent on reasoning, where reported. */
  reasoningTokens?: number | undefined;
}

export interface IrResponse {
  id: string;
  model: string;
  content: Array<IrTextPart | IrToolCallPart | IrThinkingPart | IrRedactedThinkingPart>;
  stopReason: IrStopReason;
  stopSequence?: string | undefined;
  usage: IrUsage;
}

/** Content block kinds a stream opens. */
export type IrBlockStart =
  | { type: 'text' }
  | { type: 'tool_call'; id: string; name: string }
  | { type: 'thinking' }
  | { type: 'redacted_thinking'; data: string };

/**
 * Stream events, one upstream event becoming zero or more of these as it arrives. Blocks are numbered in
 * the order they open; at most one text/thinking block is open at a time, tool-call blocks may interleave
 * (parallel calls in OpenAI streams).
 */
export type IrStreamEvent =
  | { type: 'start'; id: string; model: string; usage?: Partial<IrUsage> | undefined }
  | { type: 'block_start'; index: number; block: IrBlockStart }
  /** `quoted` is `text` as a JSON string literal, when the decoder could take it from the upstream as sent. */
  | {
      type: 'text_delta';
      index: number;
      text: string;
      quoted?: string | undefined;
      logprobs?: IrTokenLogprob[] | undefined;
    }
  | { type: 'tool_args_delta'; index: number; json: string }
  | { type: 'thinking_delta'; index: number; text: string }
  | { type: 'signature_delta'; index: number; signature: string }
  | { type: 'block_stop'; index: number }
  | {
      type: 'finish';
      stopReason: IrStopReason;
      stopSequence?: string | undefined;
      usage: IrUsage;
      /**
       * The upstream finished without reporting usage (a ConverseStream with no metadata event): `usage` is
       * zeros, and the relay puts its estimate of what was consumed in their place.
       */
      usageMissing?: true | undefined;
    }
  /** The upstream failed mid-stream (an error event, or the stream ended without finishing). Ends the stream. */
  | { type: 'error'; kind: ErrorKind; message: string };
