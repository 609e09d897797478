import type { ServerResponse } from 'node:http';
import { json } from './fake-openai.js';
import { FakeServer, type RecordedRequest, split } from './fake-server.js';
import { playSse, type SseFrame, type StreamFault } from './sse-playback.js';

type Json = Record<string, unknown>;

export interface GeminiReply {
  kind: 'reply';
  text?: string;
  /** A thought summary before the answer, with the signature Gemini puts on it. */
  thought?: { text: string; signature?: string };
  /** Function calls; each carries a thought signature, as Gemini 3 sends them. */
  toolCalls?: Array<{ name: string; args: Json; signature?: string }>;
  finishReason?: string;
  /** Google's explanation that comes with a finishReason other than STOP (MALFORMED_FUNCTION_CALL's call text). */
  finishMessage?: string;
  usage?: { prompt: number; candidates: number; cached?: number; thoughts?: number };
  responseId?: string;
  /** Characters per streamed text piece. */
  chunkSize?: number;
  /** An answer with no candidate and no promptFeedback: usage only, as Gemini sometimes answers with nothing. */
  noCandidate?: true;
  /** A prompt Google blocked: no candidate, `promptFeedback.blockReason` (SAFETY, PROHIBITED_CONTENT, ...). */
  blockReason?: string;
}

export type GeminiBehaviour =
  | GeminiReply
  | {
      kind: 'error';
      status: number;
      message?: string;
      googleStatus?: string;
      headers?: Record<string, string>;
      /** A `google.rpc.RetryInfo` delay in the details ("58s"), where Gemini says when to retry a 429. */
      retryDelay?: string;
    }
  /** Stream `after` events of `reply` (or a default answer), then an in-band `{"error": ...}` event, and end. */
  | { kind: 'streamError'; after: number; message: string; reply?: GeminiReply }
  /** Stream `after` events of `reply` (or a default answer), then stop sending (`stall`) or cut the connection. */
  | { kind: 'stall' | 'break'; after: number; reply?: GeminiReply };

const PATH = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)(\?.*)?$/;
const EMBED_PATH = /^\/v1beta\/models\/([^/:]+):batchEmbedContents$/;
const LIST_PATH = /^\/v1beta\/models(\?.*)?$/;
/** What models.list answers: a few of the models Google lists (the fake serves any name). */
const LISTED_MODELS = ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-3-pro-preview'];

/** The fields of Gemini's Schema (OpenAPI 3.0's subset) that function declarations' `parameters` take. */
const SCHEMA_FIELDS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);
const SCHEMA_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);

/** Why the API would refuse a `parameters` schema (its own proto-parsing words), or undefined. */
function schemaProblem(schema: unknown, at: string): string | undefined {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    return `Invalid value at '${at}' (type.googleapis.com/google.ai.generativelanguage.v1beta.Schema)`;
  }
  for (const [key, value] of Object.entries(schema)) {
    if (!SCHEMA_FIELDS.has(key))
      return `Invalid JSON payload received. Unknown name "${key}" at '${at}': Cannot find field.`;
    if (key === 'type' && (typeof value !== 'string' || !SCHEMA_TYPES.has(value.toLowerCase()))) {
      return `Invalid value at '${at}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), ${JSON.stringify(value)}`;
    }
    if (key === 'enum' && (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))) {
      return `Invalid value at '${at}.enum[0]' (TYPE_STRING), ${JSON.stringify(value)}`;
    }
    const children: Array<[unknown, string]> =
      key === 'properties' && value && typeof value === 'object'
        ? Object.values(value).map((child, i) => [child, `${at}.properties[${i}].value`])
        : key === 'items'
          ? [[value, `${at}.items`]]
          : key === 'anyOf' && Array.isArray(value)
            ? value.map((child, i) => [child, `${at}.any_of[${i}]`])
            : [];
    for (const [child, path] of children) {
      const problem = schemaProblem(child, path);
      if (problem) return problem;
    }
  }
  return undefined;
}

export function googleError(status: number, message: string, googleStatus: string, details?: unknown[]) {
  return { error: { code: status, message, status: googleStatus, ...(details ? { details } : {}) } };
}

/**
 * A fake Gemini API (generativelanguage v1beta): generateContent and streamGenerateContent?alt=sse, the
 * x-goog-api-key (or ?key=) check with Google's error for a bad key, Google's error shapes, and Gemini 3's
 * rule that a model turn's function calls come back with the thought signatures they were sent with (and that
 * each step of the current turn has one, Google's sentinel standing in for calls another model made).
 */
/** Google's documented sentinel for a call Gemini did not make (a history from another model). */
/** generationConfig fields the fake knows (Google's JSON takes each in camelCase or snake_case). */
const GENERATION_FIELDS = new Set([
  'temperature',
  'topP',
  'topK',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'maxOutputTokens',
  'stopSequences',
  'candidateCount',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'thinkingConfig',
]);

/** A function declaration's name as the API takes it (FunctionDeclaration.name in Google's reference). */
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
const camel = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
const snake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * As Google refuses a generationConfig: an unknown field at JSON parsing, a seed that is no int32, a penalty
 * outside [-2, 2) (Vertex documents the bound as "up to, but not including, 2.0").
 */
function generationConfigProblem(config: unknown): string | undefined {
  if (config === undefined) return undefined;
  for (const [key, value] of Object.entries(config as Json)) {
    const name = camel(key);
    if (!GENERATION_FIELDS.has(name)) {
      return `Invalid JSON payload received. Unknown name "${key}" at 'generation_config': Cannot find field.`;
    }
    if (
      name === 'seed' &&
      (!Number.isInteger(value) || (value as number) < -(2 ** 31) || (value as number) >= 2 ** 31)
    ) {
      return `Invalid value at 'generation_config.seed' (TYPE_INT32), ${JSON.stringify(value)}`;
    }
    if (name === 'presencePenalty' || name === 'frequencyPenalty') {
      if (typeof value !== 'number')
        return `Invalid value at 'generation_config.${snake(name)}' (TYPE_FLOAT), ${JSON.stringify(value)}`;
      if (value < -2 || value >= 2) {
        return `* GenerateContentRequest.generation_config.${snake(name)}: must be in the range [-2.0, 2.0).`;
      }
    }
  }
  return undefined;
}

/**
 * As Google refuses a thinkingConfig (https://ai.google.dev/gemini-api/docs/thinking): 2.5 Pro cannot turn
 * thinking off and takes budgets from 128; 2.5 Flash takes up to 24576 (0 turns thinking off) and Flash-Lite 0
 * or 512 up; `thinkingLevel` is Gemini 3's (Pro: low or high; Flash adds minimal and medium), and not both.
 */
function thinkingConfigProblem(config: unknown, model: string): string | undefined {
  const thinking = (config as Json | undefined)?.thinkingConfig as Json | undefined;
  if (thinking === undefined) return undefined;
  const budget = thinking.thinkingBudget as number | undefined;
  const level = thinking.thinkingLevel as string | undefined;
  if (budget !== undefined && level !== undefined) {
    return 'You can only set only one of thinking budget and thinking level.';
  }
  if (level !== undefined) {
    if (!/^gemini-3/.test(model)) return 'Thinking level is not supported for this model.';
    const levels = /flash/.test(model) ? ['minimal', 'low', 'medium', 'high'] : ['low', 'high'];
    if (!levels.includes(level)) return `Thinking level ${level} is not supported for this model.`;
  }
  if (budget === undefined || budget === -1) return undefined;
  if (/^gemini-2\.5-pro/.test(model) && budget === 0)
    return 'Budget 0 is invalid. This model only works in thinking mode.';
  if (/^gemini-2\.5-pro/.test(model) && (budget < 128 || budget > 32_768)) {
    return 'The thinking budget is out of range: this model takes 128 to 32768.';
  }
  if (/^gemini-2\.5-flash-lite/.test(model) && budget > 0 && budget < 512) {
    return 'The thinking budget is out of range: this model takes 0 or 512 to 24576.';
  }
  return undefined;
}

const SKIP_SIGNATURE = 'skip_thought_signature_validator';
const GEMINI_3 = /^gemini-3/;

function missingSignature(name: string | undefined, index: number): string {
  return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${name}\` , position ${index + 1}.`;
}

/**
 * Gemini 3 checks the current turn (everything after the last user text): the first function call of each of
 * its model steps must carry a signature, whoever made the call; earlier turns are not checked.
 */
function unsignedStepInCurrentTurn(contents: Array<{ role?: string; parts?: Json[] }>): string | undefined {
  const lastUserText = contents.findLastIndex(
    (c) => c.role === 'user' && (c.parts ?? []).some((p) => typeof p.text === 'string'),
  );
  for (let i = lastUserText + 1; i < contents.length; i++) {
    const content = contents[i];
    if (content?.role !== 'model') continue;
    const first = (content.parts ?? []).find((p) => p.functionCall !== undefined);
    if (first && typeof first.thoughtSignature !== 'string') {
      return missingSignature((first.functionCall as { name?: string }).name, i);
    }
  }
  return undefined;
}

export class FakeGemini {
  readonly server: FakeServer;
  readonly apiKey: string;
  private readonly queue: GeminiBehaviour[] = [];
  private readonly issuedSignatures = new Map<string, string>();
  private responder: ((request: RecordedRequest) => GeminiBehaviour | undefined) | undefined;
  private replies = 0;

  constructor(apiKey = 'gemini-key-0123456789') {
    this.apiKey = apiKey;
    this.server = new FakeServer((request, res) => this.handle(request, res));
  }

  static async start(apiKey?: string): Promise<FakeGemini> {
    const fake = new FakeGemini(apiKey);
    await fake.server.listen();
    return fake;
  }

  /** The base_url to configure (the API root with its version, as generativelanguage.googleapis.com/v1beta). */
  get baseUrl(): string {
    return `${this.server.origin}/v1beta`;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  /** Chat requests (generateContent or its stream), newest last. */
  chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => PATH.test(r.path));
  }

  enqueue(...behaviours: GeminiBehaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  /**
   * Answers each request from what it contains (after any enqueued behaviour), for tests whose client decides
   * the next turn itself, such as a coding agent.
   */
  respondWith(responder: (request: RecordedRequest) => GeminiBehaviour | undefined): this {
    this.responder = responder;
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(request: RecordedRequest, res: ServerResponse): Promise<void> | void {
    const key = request.headers['x-goog-api-key'] ?? new URL(request.path, 'http://x').searchParams.get('key');
    if (key !== this.apiKey) {
      return json(
        res,
        400,
        googleError(400, 'API key not valid. Please pass a valid API key.', 'INVALID_ARGUMENT', [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
        ]),
      );
    }
    // models.list, which the gateway's health check reads (the key checked first, as Google checks it).
    if (request.method === 'GET' && LIST_PATH.test(request.path)) {
      return json(res, 200, {
        models: LISTED_MODELS.map((id) => ({
          name: `models/${id}`,
          displayName: id,
          supportedGenerationMethods: ['generateContent', 'countTokens'],
        })),
      });
    }
    const embed = EMBED_PATH.exec(request.path);
    if (embed && request.method === 'POST') return this.embed(request, res, decodeURIComponent(embed[1] as string));
    const match = PATH.exec(request.path);
    if (!match || request.method !== 'POST') {
      return json(res, 404, googleError(404, `Method not found: ${request.path}`, 'NOT_FOUND'));
    }
    const model = decodeURIComponent(match[1] as string);
    const stream = match[2] === 'streamGenerateContent';
    if (stream && !(match[3] ?? '').includes('alt=sse')) {
      return json(res, 400, googleError(400, 'this fake streams only with alt=sse', 'INVALID_ARGUMENT'));
    }
    const invalid = this.invalidRequest(request.body as Json | undefined, model);
    if (invalid) return json(res, 400, googleError(400, invalid, 'INVALID_ARGUMENT'));
    const behaviour = this.queue.shift() ?? this.responder?.(request) ?? { kind: 'reply', text: 'Hello from Gemini.' };
    if (behaviour.kind === 'error') {
      const body = googleError(
        behaviour.status,
        behaviour.message ?? `fake Gemini error ${behaviour.status}`,
        behaviour.googleStatus ?? (behaviour.status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL'),
        behaviour.retryDelay
          ? [
              {
                '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
                violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests' }],
              },
              { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: behaviour.retryDelay },
            ]
          : undefined,
      );
      res.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers });
      res.end(JSON.stringify(body));
      return;
    }
    const reply: GeminiReply =
      behaviour.kind === 'reply' ? behaviour : (behaviour.reply ?? { kind: 'reply', text: 'one two three four' });
    const responseId = reply.responseId ?? `gmresp${++this.replies}`;
    for (const call of reply.toolCalls ?? []) if (call.signature) this.issuedSignatures.set(call.name, call.signature);
    if (!stream) return json(res, 200, this.whole(reply, model, responseId));
    const fault: StreamFault | undefined =
      behaviour.kind === 'streamError'
        ? {
            kind: 'inject',
            after: behaviour.after,
            frame: { data: googleError(500, behaviour.message, 'INTERNAL') },
          }
        : behaviour.kind === 'stall' || behaviour.kind === 'break'
          ? { kind: behaviour.kind, after: behaviour.after }
          : undefined;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'x-content-type-options': 'nosniff' });
    return playSse(res, this.frames(reply, model, responseId), fault ? { fault } : {});
  }

  /** batchEmbedContents: one vector per request, each request naming the same model as the path. */
  private embed(request: RecordedRequest, res: ServerResponse, model: string): void {
    const requests = (request.body as { requests?: Array<Json> } | undefined)?.requests;
    if (!Array.isArray(requests) || requests.some((r) => r.model !== `models/${model}`)) {
      json(res, 400, googleError(400, 'requests[].model must match the model in the path', 'INVALID_ARGUMENT'));
      return;
    }
    const embeddings = requests.map((r) => {
      const text = ((r.content as { parts: Array<{ text: string }> }).parts[0]?.text ?? '') as string;
      const size = typeof r.outputDimensionality === 'number' ? r.outputDimensionality : 8;
      return { values: Array.from({ length: size }, (_, i) => (text.length + i) / 100) };
    });
    json(res, 200, { embeddings });
  }

  /** What the real API refuses that a translator could get wrong. */
  private invalidRequest(body: Json | undefined, model: string): string | undefined {
    const config = generationConfigProblem(body?.generationConfig ?? body?.generation_config);
    if (config) return config;
    const thinking = thinkingConfigProblem(body?.generationConfig ?? body?.generation_config, model);
    if (thinking) return thinking;
    const tools = (body?.tools ?? []) as Array<{
      functionDeclarations?: Array<{ name?: unknown; parameters?: unknown }>;
    }>;
    for (const [t, tool] of tools.entries()) {
      for (const [f, declaration] of (tool.functionDeclarations ?? []).entries()) {
        if (typeof declaration.name !== 'string' || !FUNCTION_NAME.test(declaration.name)) {
          return `* GenerateContentRequest.tools[${t}].function_declarations[${f}].name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.`;
        }
        if (declaration.parameters === undefined) continue;
        const problem = schemaProblem(declaration.parameters, `tools[${t}].function_declarations[${f}].parameters`);
        if (problem) return problem;
      }
    }
    const contents = body?.contents as Array<{ role?: string; parts?: Json[] }> | undefined;
    if (!Array.isArray(contents) || contents.length === 0)
      return '* GenerateContentRequest.contents: contents is not specified';
    for (const [i, content] of contents.entries()) {
      if (content.role !== 'user' && content.role !== 'model') return `contents[${i}].role must be user or model`;
      if (!Array.isArray(content.parts) || content.parts.length === 0) {
        return `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.`;
      }
      // Of parallel calls only the first carries the step's signature, as Gemini sends them.
      const first = content.parts.find((part) => part.functionCall !== undefined);
      for (const part of content.parts) {
        const call = part === first ? (part.functionCall as { name: string }) : undefined;
        const issued = call ? this.issuedSignatures.get(call.name) : undefined;
        if (issued !== undefined && part.thoughtSignature !== issued && part.thoughtSignature !== SKIP_SIGNATURE) {
          return missingSignature(call?.name, i);
        }
      }
    }
    return GEMINI_3.test(model) ? unsignedStepInCurrentTurn(contents) : undefined;
  }

  private usage(reply: GeminiReply) {
    const usage = reply.usage ?? { prompt: 12, candidates: 6 };
    return {
      promptTokenCount: usage.prompt,
      candidatesTokenCount: usage.candidates,
      totalTokenCount: usage.prompt + usage.candidates + (usage.thoughts ?? 0),
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.prompt }],
      ...(usage.cached ? { cachedContentTokenCount: usage.cached } : {}),
      ...(usage.thoughts ? { thoughtsTokenCount: usage.thoughts } : {}),
    };
  }

  private parts(reply: GeminiReply): Json[] {
    const parts: Json[] = [];
    if (reply.thought) {
      parts.push({
        text: reply.thought.text,
        thought: true,
        ...(reply.thought.signature ? { thoughtSignature: reply.thought.signature } : {}),
      });
    }
    if (reply.text !== undefined) parts.push({ text: reply.text });
    for (const call of reply.toolCalls ?? []) {
      parts.push({
        functionCall: { name: call.name, args: call.args },
        ...(call.signature ? { thoughtSignature: call.signature } : {}),
      });
    }
    return parts;
  }

  private finishReason(reply: GeminiReply): string {
    return reply.finishReason ?? 'STOP';
  }

  private whole(reply: GeminiReply, model: string, responseId: string) {
    if (reply.noCandidate) return { usageMetadata: this.usage(reply), modelVersion: model, responseId };
    if (reply.blockReason) {
      const promptFeedback = { blockReason: reply.blockReason, safetyRatings: [] };
      return { promptFeedback, usageMetadata: this.usage(reply), modelVersion: model, responseId };
    }
    return {
      candidates: [
        {
          content: { parts: this.parts(reply), role: 'model' },
          finishReason: this.finishReason(reply),
          ...(reply.finishMessage ? { finishMessage: reply.finishMessage } : {}),
          index: 0,
        },
      ],
      usageMetadata: this.usage(reply),
      modelVersion: model,
      responseId,
    };
  }

  /** Stream events: the thought, the text in pieces, the calls, then the finish with full usage. */
  private frames(reply: GeminiReply, model: string, responseId: string): SseFrame[] {
    if (reply.noCandidate || reply.blockReason) return [{ data: this.whole(reply, model, responseId) }];
    const pieces: Json[][] = [];
    const all = this.parts(reply);
    for (const part of all) {
      if (typeof part.text === 'string' && !part.thought && part.text.length > 0) {
        for (const piece of split(part.text, reply.chunkSize ?? 5)) pieces.push([{ text: piece }]);
      } else {
        pieces.push([part]);
      }
    }
    if (pieces.length === 0) pieces.push([{ text: '' }]);
    const usage = this.usage(reply);
    return pieces.map((parts, i) => {
      const last = i === pieces.length - 1;
      return {
        data: {
          candidates: [
            {
              content: { parts, role: 'model' },
              ...(last ? { finishReason: this.finishReason(reply) } : {}),
              ...(last && reply.finishMessage ? { finishMessage: reply.finishMessage } : {}),
              index: 0,
            },
          ],
          usageMetadata: last
            ? usage
            : { promptTokenCount: usage.promptTokenCount, totalTokenCount: usage.promptTokenCount },
          modelVersion: model,
          responseId,
        },
      };
    });
  }
}
