import type { IncomingMessage, ServerResponse } from 'node:http';
import { eventScript } from './anthropic-event-script.js';
import { type AnthropicReply, messageOf, type ReplyContext } from './anthropic-replies.js';
import {
  type AnthropicErrorType,
  countInputTokens,
  errorBody,
  errorTypeFor,
  messagesProblem,
} from './anthropic-requests.js';
import { FakeServer, type RecordedRequest, sleep } from './fake-server.js';
import { playSse, type StreamFault } from './sse-playback.js';

export type { AnthropicBlockSpec, AnthropicReply, AnthropicStopReason } from './anthropic-replies.js';
export { countInputTokens } from './anthropic-requests.js';

/**
 * A fake Anthropic Messages API speaking the real wire format: POST /v1/messages (JSON and SSE: text, thinking
 * with signatures, redacted thinking, parallel tool_use, cache usage, every stop reason), POST
 * /v1/messages/count_tokens (see countInputTokens) and GET /v1/models[/id]. Requests need the key (`x-api-key`,
 * or `Authorization: Bearer` as SDK 1.x sends it; else 401 authentication_error) and an `anthropic-version`
 * header (else 400). Behaviours script POST /v1/messages per request (`enqueue`) or for all (`setDefault`);
 * bodies the real API would reject get a 400 before any behaviour is used up; count_tokens and models always
 * answer. Stream faults count the SSE events already sent (pings included; the SDK hides pings).
 */
export type AnthropicBehaviour =
  | AnthropicReply
  /** An error status with Anthropic's error body; `type` defaults from the status (429 rate_limit_error ...). */
  | {
      kind: 'error';
      status: number;
      type?: AnthropicErrorType;
      message?: string;
      body?: unknown;
      headers?: Record<string, string>;
    }
  /** Accept the request and never answer. */
  | { kind: 'hang' }
  /** Stream `after` events of `reply` (default reply if absent), then stop sending; the connection stays open. */
  | { kind: 'stall'; after: number; reply?: AnthropicReply }
  /** Stream `after` events, then destroy the connection. */
  | { kind: 'break'; after: number; reply?: AnthropicReply }
  /** Stream `after` events, then an `event: error` (default overloaded_error) and end the response. */
  | {
      kind: 'streamError';
      after: number;
      type?: AnthropicErrorType;
      message?: string;
      reply?: AnthropicReply;
      /** Delay between the error event and the end of the response. */
      endDelayMs?: number;
    }
  /** Close the connection without any response. */
  | { kind: 'drop' };

export interface FakeAnthropicOptions {
  apiKey?: string;
  name?: string;
  /** Model ids GET /v1/models lists. */
  models?: string[];
  /** False for an Anthropic-compatible API without the count endpoint: count_tokens answers 404. */
  countTokens?: boolean;
}

const DEFAULT_REPLY: AnthropicReply = { kind: 'reply' };
const MODEL_PREFIX = '/v1/models/';

export class FakeAnthropic {
  readonly server: FakeServer;
  readonly apiKey: string;
  readonly name: string;
  readonly models: string[];
  private readonly countsTokens: boolean;
  private readonly queue: AnthropicBehaviour[] = [];
  private responder: ((request: RecordedRequest) => AnthropicBehaviour | undefined) | undefined;
  private fallback: AnthropicBehaviour = DEFAULT_REPLY;
  private requestCount = 0;

  constructor(options: FakeAnthropicOptions = {}) {
    this.apiKey = options.apiKey ?? 'sk-ant-upstream-secret-key';
    this.name = options.name ?? 'fake-anthropic';
    this.models = options.models ?? ['claude-sonnet-4-6', 'claude-haiku-4-5'];
    this.countsTokens = options.countTokens ?? true;
    this.server = new FakeServer((request, res, req) => this.handle(request, res, req));
  }

  static async start(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
    const fake = new FakeAnthropic(options);
    await fake.server.listen();
    return fake;
  }

  /** The base_url to configure: the API root without /v1, as the Anthropic SDK and provider expect. */
  get baseUrl(): string {
    return this.server.origin;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  /** Requests to an endpoint path, ignoring the query string (e.g. "/v1/messages"). */
  requestsTo(path: string): RecordedRequest[] {
    return this.server.requests.filter((r) => pathOf(r) === path);
  }

  enqueue(...behaviours: AnthropicBehaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  setDefault(behaviour: AnthropicBehaviour): this {
    this.fallback = behaviour;
    return this;
  }

  /**
   * Answers each request from what it contains (after any enqueued behaviour), for tests whose client decides
   * the next turn itself, such as a coding agent.
   */
  respondWith(responder: (request: RecordedRequest) => AnthropicBehaviour | undefined): this {
    this.responder = responder;
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async handle(request: RecordedRequest, res: ServerResponse, req: IncomingMessage): Promise<void> {
    const requestId = `req_fake_${++this.requestCount}`;
    const fail = (status: number, message?: string) =>
      json(res, status, errorBody(errorTypeFor(status), message, requestId), requestId);
    if (!this.authorized(request)) return fail(401);
    if (!request.headers['anthropic-version']) return fail(400, 'anthropic-version: header is required');
    const path = pathOf(request);
    if (request.method === 'GET' && path === '/v1/models') return json(res, 200, this.modelList(), requestId);
    if (request.method === 'GET' && path.startsWith(MODEL_PREFIX)) {
      const modelId = decodeURIComponent(path.slice(MODEL_PREFIX.length));
      const info = this.modelInfo(modelId);
      return info ? json(res, 200, info, requestId) : fail(404, `model: ${modelId}`);
    }
    const counting = this.countsTokens && path === '/v1/messages/count_tokens';
    if (request.method !== 'POST' || (path !== '/v1/messages' && !counting)) {
      return fail(404, 'Not Found');
    }
    const endpoint = path === '/v1/messages' ? 'messages' : 'count_tokens';
    const problem = messagesProblem(request.body, endpoint);
    if (problem) return fail(400, problem);
    const body = request.body as { system?: unknown; messages: unknown[] };
    if (endpoint === 'count_tokens') return json(res, 200, { input_tokens: countInputTokens(body) }, requestId);
    return this.messages(request, res, req, requestId);
  }

  private async messages(req: RecordedRequest, res: ServerResponse, raw: IncomingMessage, id: string): Promise<void> {
    const behaviour = this.queue.shift() ?? this.responder?.(req) ?? this.fallback;
    if (behaviour.kind === 'hang') return;
    if (behaviour.kind === 'drop') {
      raw.socket.destroy();
      return;
    }
    if (behaviour.kind === 'error') {
      const body = behaviour.body ?? errorBody(behaviour.type ?? errorTypeFor(behaviour.status), behaviour.message, id);
      return json(res, behaviour.status, body, id, behaviour.headers);
    }
    const body = req.body as { model: string; stream?: boolean; stop_sequences?: string[] };
    const context: ReplyContext = { model: body.model, name: this.name, stopSequences: body.stop_sequences };
    const reply = behaviour.kind === 'reply' ? behaviour : (behaviour.reply ?? DEFAULT_REPLY);
    if (reply.delayMs) await sleep(reply.delayMs);
    if (!body.stream) return json(res, 200, messageOf(reply, context), id);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': id,
    });
    await playSse(res, eventScript(reply, context), {
      fault: streamFault(behaviour, id),
      frameDelayMs: reply.chunkDelayMs,
    });
  }

  /** `x-api-key` as the API documents it, or `Authorization: Bearer`, which SDK 1.x sends for an apiKey. */
  private authorized(request: RecordedRequest): boolean {
    const { authorization } = request.headers;
    return request.headers['x-api-key'] === this.apiKey || authorization === `Bearer ${this.apiKey}`;
  }

  private modelInfo(id: string) {
    if (!this.models.includes(id)) return undefined;
    return { type: 'model', id, display_name: `Fake ${id}`, created_at: '2025-09-29T00:00:00Z' };
  }

  private modelList() {
    const data = this.models.map((id) => this.modelInfo(id));
    return { data, has_more: false, first_id: this.models[0] ?? null, last_id: this.models.at(-1) ?? null };
  }
}

function streamFault(behaviour: AnthropicBehaviour, requestId: string): StreamFault | undefined {
  if (behaviour.kind === 'stall' || behaviour.kind === 'break') return { kind: behaviour.kind, after: behaviour.after };
  if (behaviour.kind !== 'streamError') return undefined;
  const data = errorBody(behaviour.type ?? 'overloaded_error', behaviour.message, requestId);
  const endDelay = behaviour.endDelayMs === undefined ? {} : { endDelayMs: behaviour.endDelayMs };
  return { kind: 'inject', after: behaviour.after, frame: { event: 'error', data }, ...endDelay };
}

function pathOf(request: RecordedRequest): string {
  return new URL(request.path, 'http://fake').pathname;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'request-id': requestId,
    ...headers,
  });
  res.end(text);
}
