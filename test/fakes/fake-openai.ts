import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeServer, type RecordedRequest, sleep, sse } from './fake-server.js';

/**
 * A fake OpenAI-compatible upstream speaking the real wire format: Chat Completions (JSON and SSE, text and
 * tool calls, `stream_options.include_usage`), Embeddings (float and base64) and Models. Tests script
 * behaviours per request (`enqueue`) or for all requests (`setDefault`): errors, 429 with retry-after,
 * hangs, stalls and broken streams.
 */

export interface ToolCallSpec {
  id?: string;
  name: string;
  arguments: string;
}

export type Behaviour =
  | {
      kind: 'reply';
      text?: string;
      toolCalls?: ToolCallSpec[];
      /** Extra message fields some compatible servers send (e.g. reasoning_content). */
      reasoning?: string;
      finishReason?: string;
      usage?: { prompt: number; completion: number; cached?: number; reasoning?: number };
      /** Split text and tool arguments into chunks of this many characters when streaming. */
      chunkSize?: number;
      delayMs?: number;
      /** Delay between stream chunks. */
      chunkDelayMs?: number;
    }
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Accept the request and never answer. */
  | { kind: 'hang' }
  /** Stream `after` content chunks, then stop sending (keep the connection open). */
  | { kind: 'stall'; after: number }
  /** Stream `after` content chunks, then destroy the connection. */
  | { kind: 'break'; after: number }
  /** Close the connection without any response. */
  | { kind: 'drop' };

export interface FakeOpenAIOptions {
  apiKey?: string;
  name?: string;
}

const DEFAULT_REPLY: Behaviour = { kind: 'reply' };

export class FakeOpenAI {
  readonly server: FakeServer;
  private readonly queue: Behaviour[] = [];
  private fallback: Behaviour = DEFAULT_REPLY;
  readonly apiKey: string;
  readonly name: string;

  constructor(options: FakeOpenAIOptions = {}) {
    this.apiKey = options.apiKey ?? 'sk-upstream-secret-key';
    this.name = options.name ?? 'fake-openai';
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

  close(): Promise<void> {
    return this.server.close();
  }

  private async handle(request: RecordedRequest, res: ServerResponse, req: IncomingMessage): Promise<void> {
    if (request.headers.authorization !== `Bearer ${this.apiKey}`) {
      return json(res, 401, {
        error: {
          message: 'Incorrect API key provided.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      });
    }
    if (request.method === 'GET' && request.path === '/v1/models') {
      return json(res, 200, {
        object: 'list',
        data: [{ id: 'gpt-4o-mini', object: 'model', created: 1, owned_by: 'system' }],
      });
    }
    const behaviour = this.queue.shift() ?? this.fallback;
    if (behaviour.kind === 'error') {
      const body = behaviour.body ?? {
        error: { message: `fake upstream error ${behaviour.status}`, type: 'server_error', param: null, code: null },
      };
      res.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers });
      res.end(JSON.stringify(body));
      return;
    }
    if (behaviour.kind === 'hang') return;
    if (behaviour.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (request.path === '/v1/embeddings') return this.embeddings(request, res);
    if (request.path !== '/v1/chat/completions') {
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
    if (body.stream) return this.stream({ ...body, model: body.model }, behaviour, res);
    const reply = behaviour.kind === 'reply' ? behaviour : DEFAULT_REPLY;
    if (reply.kind === 'reply' && reply.delayMs) await sleep(reply.delayMs);
    return json(res, 200, completion(body.model, reply as ReplyBehaviour, this.name));
  }

  private embeddings(request: RecordedRequest, res: ServerResponse): void {
    const body = request.body as { model: string; input: string | string[]; encoding_format?: string };
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const data = inputs.map((input, index) => {
      const vector = Array.from({ length: 8 }, (_, i) => (String(input).length + i) / 100);
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
  ): Promise<void> {
    const reply: ReplyBehaviour =
      behaviour.kind === 'reply' ? behaviour : { kind: 'reply', text: 'one two three four five six' };
    if (reply.delayMs) await sleep(reply.delayMs);
    const includeUsage = body.stream_options?.include_usage === true;
    const id = `chatcmpl-${Math.random().toString(36).slice(2, 12)}`;
    const base = {
      id,
      object: 'chat.completion.chunk',
      created: 1_732_000_000,
      model: body.model,
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    };
    const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(includeUsage ? { usage: null } : {}),
    });
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const events: unknown[] = [chunk({ role: 'assistant', content: '', refusal: null })];
    const size = reply.chunkSize ?? 4;
    if (reply.reasoning)
      for (const piece of split(reply.reasoning, size)) events.push(chunk({ reasoning_content: piece }));
    const text = reply.toolCalls ? reply.text : (reply.text ?? 'one two three four five six');
    if (text) for (const piece of split(text, size)) events.push(chunk({ content: piece }));
    reply.toolCalls?.forEach((call, index) => {
      events.push(
        chunk({
          tool_calls: [
            { index, id: call.id ?? `call_${index}`, type: 'function', function: { name: call.name, arguments: '' } },
          ],
        }),
      );
      for (const piece of split(call.arguments, size)) {
        events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
      }
    });
    events.push(chunk({}, reply.finishReason ?? (reply.toolCalls ? 'tool_calls' : 'stop')));
    if (includeUsage) events.push({ ...base, choices: [], usage: usageOf(reply) });

    let contentSent = 0;
    for (const event of events) {
      if (behaviour.kind === 'stall' && contentSent >= behaviour.after) return;
      if (behaviour.kind === 'break' && contentSent >= behaviour.after) {
        // Let what was written reach the gateway first, then cut the connection mid-stream.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        await sleep(10);
        res.socket?.destroy();
        return;
      }
      sse(res, event);
      contentSent++;
      if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
      if (res.destroyed) return;
    }
    sse(res, '[DONE]');
    res.end();
  }
}

type ReplyBehaviour = Extract<Behaviour, { kind: 'reply' }>;

function split(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

function usageOf(reply: ReplyBehaviour) {
  const usage = reply.usage ?? { prompt: 12, completion: 6 };
  return {
    prompt_tokens: usage.prompt,
    completion_tokens: usage.completion,
    total_tokens: usage.prompt + usage.completion,
    prompt_tokens_details: { cached_tokens: usage.cached ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoning ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function completion(model: string, reply: ReplyBehaviour, name: string) {
  const toolCalls = reply.toolCalls?.map((call, index) => ({
    id: call.id ?? `call_${index}`,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2, 12)}`,
    object: 'chat.completion',
    created: 1_732_000_000,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: toolCalls && reply.text === undefined ? null : (reply.text ?? `Hello from ${name}`),
          refusal: null,
          annotations: [],
          ...(reply.reasoning ? { reasoning_content: reply.reasoning } : {}),
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: reply.finishReason ?? (toolCalls ? 'tool_calls' : 'stop'),
      },
    ],
    usage: usageOf(reply),
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
