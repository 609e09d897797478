import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeServer, type RecordedRequest, sleep } from './fake-server.js';
import { type ChatReply, chunkScript, completion, DEFAULT_STREAM_TEXT, type LogprobsAsked } from './openai-replies.js';
import { playSse, type StreamFault } from './sse-playback.js';

export type { ChatReply, ToolCallSpec } from './openai-replies.js';

/**
 * A fake OpenAI-compatible upstream speaking the real wire format: Chat Completions (JSON and SSE, text,
 * reasoning_content, parallel tool calls, `stream_options.include_usage`), Embeddings (float and base64) and
 * Models. Tests script behaviours per request (`enqueue`) or for all requests (`setDefault`): errors, 429 with
 * retry-after, hangs, stalls, broken streams and in-band stream errors.
 */

export type Behaviour =
  | ChatReply
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Accept the request and never answer. */
  | { kind: 'hang' }
  /** Stream `after` chunks (non-streamed: the head and part of the JSON), then stop sending (keep the connection open). */
  | { kind: 'stall'; after: number; reply?: ChatReply }
  /**
   * Stream `after` chunks of `reply` (or a default text; non-streamed: the head and part of the JSON), then destroy
   * the connection.
   */
  | { kind: 'break'; after: number; reply?: ChatReply }
  /** Stream `after` chunks, then a `data: {"error": {...}}` event, and end the response without `[DONE]`. */
  | { kind: 'streamError'; after: number; message?: string; type?: string; code?: string; endDelayMs?: number }
  /** Close the connection without any response. */
  | { kind: 'drop' }
  /** Answer with these bytes as they are, as a proxy or captive portal in front of the API might. */
  | { kind: 'raw'; status: number; contentType: string; body: string };

export interface FakeOpenAIOptions {
  apiKey?: string;
  name?: string;
  /**
   * Refuse an assistant tool-call message without `reasoning_content`, as DeepSeek, Kimi and GLM do in thinking
   * mode ("The `reasoning_content` in the thinking mode must be passed back to the API.").
   */
  requireReasoningContent?: boolean;
}

const DEFAULT_REPLY: Behaviour = { kind: 'reply' };
/** OpenAI refuses a longer end-user id. */
const MAX_USER_LENGTH = 64;

export class FakeOpenAI {
  readonly server: FakeServer;
  protected readonly queue: Behaviour[] = [];
  private responder: ((request: RecordedRequest) => Behaviour | undefined) | undefined;
  private fallback: Behaviour = DEFAULT_REPLY;
  readonly apiKey: string;
  readonly name: string;
  private readonly requireReasoningContent: boolean;

  constructor(options: FakeOpenAIOptions = {}) {
    this.apiKey = options.apiKey ?? 'sk-upstream-secret-key';
    this.name = options.name ?? 'fake-openai';
    this.requireReasoningContent = options.requireReasoningContent ?? false;
    this.server = new FakeServer((request, res, req) => this.handle(request, res, req));
  }

  static async start(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
    const fake = new FakeOpenAI(options);
    await fake.server.listen();
    return fake;
  }

  /** The base_url to configure (includes /v1, like api.openai.com/v1). */
  get baseUrl(): string {
    return `${this.server.origin}/v1`;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  /** Requests to an endpoint path (e.g. "/v1/chat/completions"). */
  requestsTo(path: string): RecordedRequest[] {
    return this.server.requests.filter((r) => r.path === path);
  }

  enqueue(...behaviours: Behaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  setDefault(behaviour: Behaviour): this {
    this.fallback = behaviour;
    return this;
  }

  /**
   * Answers each request from what it contains (after any enqueued behaviour), for tests whose client decides
   * the next turn itself, such as a coding agent.
   */
  respondWith(responder: (request: RecordedRequest) => Behaviour | undefined): this {
    this.responder = responder;
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The refusal of a request without valid credentials, or undefined to serve it. */
  protected authFailure(request: RecordedRequest): { status: number; body: unknown } | undefined {
    if (request.headers.authorization === `Bearer ${this.apiKey}`) return undefined;
    return {
      status: 401,
      body: {
        error: {
          message: 'Incorrect API key provided.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
    };
  }

  /** The OpenAI endpoint a request addresses (a cloud's fake maps its own paths here), and the model it names. */
  protected endpointOf(request: RecordedRequest): { path: string; model?: string | undefined } {
    return { path: request.path };
  }

  /** Serves requests that are not OpenAI endpoints (a token endpoint); true when it answered. */
  protected handleOther(_request: RecordedRequest, _res: ServerResponse): boolean {
    return false;
  }

  /** Whether the model refuses `max_tokens` (OpenAI's reasoning models take only `max_completion_tokens`). */
  protected refusesMaxTokens(_model: string): boolean {
    return false;
  }

  private async handle(request: RecordedRequest, res: ServerResponse, req: IncomingMessage): Promise<void> {
    if (this.handleOther(request, res)) return;
    const refused = this.authFailure(request);
    if (refused) return json(res, refused.status, refused.body);
    const endpoint = this.endpointOf(request);
    if (request.method === 'GET' && endpoint.path === '/v1/models') {
      return json(res, 200, {
        object: 'list',
        data: [{ id: 'gpt-4o-mini', object: 'model', created: 1, owned_by: 'system' }],
      });
    }
    const behaviour = this.queue.shift() ?? this.responder?.(request) ?? this.fallback;
    if (behaviour.kind === 'error') {
      const body = behaviour.body ?? {
        error: { message: `fake upstream error ${behaviour.status}`, type: 'server_error', param: null, code: null },
      };
      res.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers });
      res.end(JSON.stringify(body));
      return;
    }
    if (behaviour.kind === 'hang') return;
    if (behaviour.kind === 'raw') {
      res.writeHead(behaviour.status, { 'content-type': behaviour.contentType });
      res.end(behaviour.body);
      return;
    }
    if (behaviour.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (endpoint.model !== undefined && request.body) (request.body as { model?: string }).model ??= endpoint.model;
    if (endpoint.path === '/v1/embeddings') return this.embeddings(request, res);
    if (endpoint.path !== '/v1/chat/completions') {
      return json(res, 404, {
        error: { message: `Unknown path ${request.path}`, type: 'invalid_request_error', param: null, code: null },
      });
    }
    const body = request.body as { model?: string; stream?: boolean; stream_options?: { include_usage?: boolean } };
    if (!body || typeof body.model !== 'string') {
      return json(res, 400, {
        error: {
          message: 'you must provide a model parameter',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
    }
    if ('max_tokens' in body && this.refusesMaxTokens(body.model)) {
      return json(res, 400, {
        error: {
          message:
            "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          type: 'invalid_request_error',
          param: 'max_tokens',
          code: 'unsupported_parameter',
        },
      });
    }
    if (this.requireReasoningContent && lacksReasoningContent(request.body)) {
      return json(res, 400, {
        error: {
          message: 'The `reasoning_content` in the thinking mode must be passed back to the API.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_request_error',
        },
      });
    }
    const user = (request.body as { user?: unknown }).user;
    if (typeof user === 'string' && user.length > MAX_USER_LENGTH) {
      return json(res, 400, {
        error: {
          message: `Invalid 'user': string too long. Expected a string with maximum length ${MAX_USER_LENGTH}, but got a string with length ${user.length} instead.`,
          type: 'invalid_request_error',
          param: 'user',
          code: 'string_above_max_length',
        },
      });
    }
    const asked = request.body as { logprobs?: unknown; top_logprobs?: unknown };
    if (typeof asked.top_logprobs === 'number' && asked.logprobs !== true) {
      return json(res, 400, {
        error: {
          message: "Invalid value for 'top_logprobs': requires 'logprobs' to be true.",
          type: 'invalid_request_error',
          param: 'top_logprobs',
          code: null,
        },
      });
    }
    const logprobs = asked.logprobs === true ? { top: Number(asked.top_logprobs ?? 0) } : undefined;
    if (body.stream) return this.stream({ ...body, model: body.model }, behaviour, res, logprobs);
    if (behaviour.kind === 'stall' || behaviour.kind === 'break') return partialJson(res, behaviour.kind);
    const reply: ChatReply = behaviour.kind === 'reply' ? behaviour : { kind: 'reply' };
    if (reply.delayMs) await sleep(reply.delayMs);
    return json(res, 200, completion(body.model, reply, this.name, logprobs));
  }

  private embeddings(request: RecordedRequest, res: ServerResponse): void {
    const body = request.body as {
      model: string;
      input: string | string[];
      encoding_format?: string;
      dimensions?: number;
    };
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const data = inputs.map((input, index) => {
      // text-embedding-3 models shorten their vectors to `dimensions` when asked.
      const vector = Array.from({ length: body.dimensions ?? 8 }, (_, i) => (String(input).length + i) / 100);
      const embedding =
        body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    const tokens = inputs.reduce((sum, input) => sum + String(input).split(/\s+/).length, 0);
    json(res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  private async stream(
    body: { model: string; stream_options?: { include_usage?: boolean } },
    behaviour: Behaviour,
    res: ServerResponse,
    logprobs?: LogprobsAsked,
  ): Promise<void> {
    const scripted = behaviour.kind === 'stall' || behaviour.kind === 'break' ? behaviour.reply : undefined;
    const reply: ChatReply =
      behaviour.kind === 'reply' ? behaviour : (scripted ?? { kind: 'reply', text: DEFAULT_STREAM_TEXT });
    if (reply.delayMs) await sleep(reply.delayMs);
    const chunks = chunkScript(body.model, reply, body.stream_options?.include_usage === true, logprobs);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    // Send the head at once, as model servers do, even when the script stalls before its first event.
    res.flushHeaders();
    const frames = chunks.map((data) => ({ data }));
    const fault = streamFault(behaviour);
    await playSse(res, frames, { fault, trailer: { data: '[DONE]' }, frameDelayMs: reply.chunkDelayMs });
  }
}

function streamFault(behaviour: Behaviour): StreamFault | undefined {
  if (behaviour.kind === 'stall' || behaviour.kind === 'break') return { kind: behaviour.kind, after: behaviour.after };
  if (behaviour.kind !== 'streamError') return undefined;
  const error = {
    message: behaviour.message ?? 'The server had an error while processing your request.',
    type: behaviour.type ?? 'server_error',
    param: null,
    code: behaviour.code ?? null,
  };
  const endDelay = behaviour.endDelayMs === undefined ? {} : { endDelayMs: behaviour.endDelayMs };
  return { kind: 'inject', after: behaviour.after, frame: { data: { error } }, ...endDelay };
}

function lacksReasoningContent(body: unknown): boolean {
  const messages = (body as { messages?: Array<Record<string, unknown>> }).messages ?? [];
  return messages.some((m) => m.role === 'assistant' && m.tool_calls !== undefined && !('reasoning_content' in m));
}

/** The head and the first bytes of a JSON answer, then nothing more (`stall`) or a cut connection (`break`). */
async function partialJson(res: ServerResponse, fault: 'stall' | 'break'): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  await new Promise<void>((resolve) =>
    res.write('{"id":"chatcmpl-partial","object":"chat.completion",', () => resolve()),
  );
  if (fault === 'stall') return;
  await sleep(10);
  res.socket?.destroy();
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
