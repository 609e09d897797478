import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorKind } from '../errors/gateway-error.js';
import type { SseEvent } from '../upstream/sse-parse.js';
import type { IrRequest, IrResponse, IrStreamEvent } from './ir/types.js';
import type { HintReport } from './shared/hint-report.js';

/**
 * The two halves every dialect implements. Translation is always client dialect -> IR -> upstream dialect on
 * the way in, and upstream dialect -> IR -> client dialect on the way back. Everything here is pure: no I/O,
 * no clocks or randomness except through EncodeContext, so golden tests are exact.
 *
 * Rejections: a parser or builder that meets something the other side cannot express throws a GatewayError
 * from `errors.invalidBody(message, param)` / `errors.unsupportedOperation(...)` naming the field
 * (e.g. `messages[2].content[0].type`); nothing with meaning is dropped silently.
 */

/** What a client-side encoder may need beyond the IR. */
export interface EncodeContext {
  /** The client's request body as it was sent (Responses echoes its parameters; Chat reads stream_options). */
  readonly clientRequest: Readonly<Record<string, unknown>>;
  /** Epoch seconds for `created` / `created_at` fields. */
  readonly createdAt: number;
  /** A fresh id with the given prefix (e.g. "msg_", "resp_", "call_"); injected so tests are deterministic. */
  newId(prefix: string): string;
}

/** Turns IR stream events into the client's SSE text as they arrive. */
export interface ClientStreamEncoder {
  /** SSE text to write for this event (complete events ending in a blank line), or '' when nothing is due. */
  encode(event: IrStreamEvent): string;
}

/** The entry-point side of a dialect: what clients send and what they must get back. */
export interface ClientCodec {
  /**
   * Parses and validates a client request body into the IR (throws a 400 GatewayError naming the field).
   * Hints without an equivalent are dropped into `hints` (whose strict mode refuses them instead).
   */
  parseRequest(body: Readonly<Record<string, unknown>>, hints?: HintReport): IrRequest;
  /** The client's JSON response body for a finished upstream response. */
  encodeResponse(response: IrResponse, context: EncodeContext): Record<string, unknown>;
  /** The same body as JSON text, for a codec that writes it cheaper than `JSON.stringify(encodeResponse(...))`. */
  encodeResponseText?(response: IrResponse, context: EncodeContext): string;
  streamEncoder(context: EncodeContext): ClientStreamEncoder;
  /**
   * The client's name for a top-level IR request field (e.g. `responseFormat` -> `response_format` for Chat,
   * `text.format` for Responses), so an upstream builder's rejection names the field the client actually sent.
   * `body` is the client's request, for a dialect that has two names for one field (Chat `max_tokens`).
   */
  clientField(irField: string, body?: Readonly<Record<string, unknown>>): string;
}

/** Turns upstream SSE events into IR stream events as they arrive. */
export interface UpstreamStreamDecoder {
  decode(event: SseEvent): IrStreamEvent[];
  /** Called when the upstream body ended; emits an `error` event when the stream never finished properly. */
  end(): IrStreamEvent[];
}

/** An upstream error response, normalised so it can be re-expressed in the client's dialect. */
export interface UpstreamErrorInfo {
  kind: ErrorKind;
  message: string;
  /** The upstream's own machine-readable code (`context_length_exceeded`), when it sent one. */
  code?: string | undefined;
}

/** Per-provider choices a builder honours (from the provider's config). */
export interface UpstreamBuildOptions {
  /** max_tokens to send when the client gave none and the upstream requires one (Anthropic). */
  defaultMaxTokens: number;
  /** OpenAI-compatible: which field carries the output limit (OpenAI's reasoning models only accept the latter). */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** OpenAI-compatible: ask for usage on streams with stream_options.include_usage. */
  streamUsage: boolean;
  /** OpenAI-compatible: send earlier thinking back as `reasoning_content` on assistant messages. */
  sendReasoningContent?: boolean | undefined;
  /** OpenAI-compatible: the most stop sequences the upstream takes (OpenAI: 4), when it has a limit. */
  maxStopSequences?: number | undefined;
  /**
   * OpenAI-compatible: the upstream passes OpenAI's `verbosity` on to the models that take it (OpenAI's API,
   * OpenRouter: `type: openai`); elsewhere (Azure, whose Chat Completions is not known to take it) it is dropped.
   */
  verbosity?: boolean | undefined;
  /** OpenAI-compatible: `mistral` when the upstream takes only 9-character alphanumeric tool call ids. */
  toolCallIds?: 'any' | 'mistral' | undefined;
  /**
   * Gemini: the upstream refuses a `fileData` part without a `mimeType` (Vertex AI; the Gemini API infers it),
   * so an image URL whose type its extension does not give is refused with a 400 instead.
   */
  fileUrisNeedMediaType?: boolean | undefined;
  /** Where a builder records hints the upstream has no equivalent for (named as IR fields). */
  hints?: HintReport | undefined;
  /**
   * Where a builder records the tool names it rewrote for the upstream (upstream name -> client name), so the
   * answer's calls go back under the client's names (shared/tool-names.ts).
   */
  toolNames?: Record<string, string> | undefined;
}

/**
 * The provider side of a dialect: what the upstream accepts and what it answers. A builder rejection throws
 * `errors.invalidBody(message, irField)` with the IR field name as `param` (e.g. "topK"); the entry point
 * renames it with ClientCodec.clientField.
 */
export interface UpstreamCodec {
  /** The upstream request body for this IR, with `model` set to the target's upstream model. */
  buildRequest(request: IrRequest, upstreamModel: string, options: UpstreamBuildOptions): Record<string, unknown>;
  /**
   * Parses a successful (2xx) upstream JSON body. `upstreamModel` is the target's model, for a dialect whose
   * answers do not name the model (Bedrock Converse).
   */
  decodeResponse(body: unknown, upstreamModel: string): IrResponse;
  streamDecoder(upstreamModel: string): UpstreamStreamDecoder;
  /**
   * Reads an upstream error body (any status >= 400), with the reply's headers for a dialect that names the
   * error there (Bedrock's `x-amzn-errortype`).
   */
  decodeError(status: number, body: string, headers?: IncomingHttpHeaders): UpstreamErrorInfo;
  /**
   * For a dialect whose 2xx answers can report a failure in band (Gemini's finishReason): the failure's message
   * in a whole body or a stream's first event, read before the attempt is accepted; undefined for an answer.
   */
  failedAnswer?(data: Buffer | string): string | undefined;
}
