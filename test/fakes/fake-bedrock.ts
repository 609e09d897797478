import type { ServerResponse } from 'node:http';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { FakeServer, type RecordedRequest, split } from './fake-server.js';
import { type AwsKey, verifySigV4 } from './sigv4-verify.js';

type Json = Record<string, unknown>;

export interface BedrockReply {
  kind: 'reply';
  text?: string;
  reasoning?: { text: string; signature: string };
  toolCalls?: Array<{ id: string; name: string; input: Json }>;
  stopReason?: string;
  /** The stop sequence Claude matched, returned when the request asks for `/stop_sequence`. */
  stopSequence?: string;
  usage?: { input: number; output: number; cacheRead?: number; cacheWrite?: number };
  chunkSize?: number;
  /** End the stream after messageStop without the metadata event (and so without usage). */
  omitMetadata?: boolean;
}

export type BedrockBehaviour =
  | BedrockReply
  | { kind: 'error'; status: number; exception: string; message: string }
  /** Stream `after` events, then an exception message (e.g. modelStreamErrorException), and end. */
  | { kind: 'streamError'; after: number; exception: string; message: string }
  /** Stream `after` events of `reply` (or a default answer), then send nothing more, as a model thinking would. */
  | { kind: 'stall'; after: number; reply?: BedrockReply };

const PATH = /^\/model\/([^/]+)\/(converse|converse-stream)$/;
const utf8 = new TextDecoder();
const codec = new EventStreamCodec(
  (bytes: Uint8Array) => utf8.decode(bytes),
  (text: string) => new TextEncoder().encode(text),
);

/**
 * The `p` field Bedrock appends to every stream event to hide the length of its text: a prefix of this alphabet
 * whose length varies from one event to the next (as in captured ConverseStream payloads).
 */
const PADDING = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function padding(n: number): string {
  return PADDING.slice(0, 1 + ((n * 23) % PADDING.length));
}

function stringHeader(value: string) {
  return { type: 'string' as const, value };
}

/**
 * The model-specific fields each model family takes in `additionalModelRequestFields` (Claude: its Messages
 * fields; Nova: reasoningConfig and inferenceConfig); Bedrock hands the rest to the model, which refuses
 * keys it does not know.
 */
const MODEL_FIELDS: ReadonlyArray<[RegExp, readonly string[]]> = [
  [/(^|[.:/])anthropic\.claude/, ['thinking', 'top_k', 'anthropic_beta', 'output_config']],
  [/(^|[.:/])amazon\.nova/, ['reasoningConfig', 'inferenceConfig']],
];

/** Converse's constraint on a toolUse's and a toolResult's `toolUseId` (ToolUseBlock in the API reference). */
const TOOL_USE_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The first toolUseId outside Converse's constraint, in the words of AWS's request validation (which names the
 * member by its position, `messages.N.member.content.M.member.toolUse.toolUseId`), or undefined.
 */
function invalidToolUseId(messages: Array<{ content: Json[] }>): string | undefined {
  for (const [m, message] of messages.entries()) {
    for (const [c, block] of message.content.entries()) {
      const kind = 'toolUse' in block ? 'toolUse' : 'toolResult' in block ? 'toolResult' : undefined;
      if (!kind) continue;
      const id = String((block[kind] as { toolUseId?: unknown }).toolUseId ?? '');
      if (TOOL_USE_ID.test(id)) continue;
      const constraint =
        id.length > 64
          ? 'Member must have length less than or equal to 64'
          : 'Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+';
      return `1 validation error detected: Value '${id}' at 'messages.${m + 1}.member.content.${c + 1}.member.${kind}.toolUseId' failed to satisfy constraint: ${constraint}`;
    }
  }
  return undefined;
}

/** ToolSpecification's and ToolUseBlock's `name` (Converse API reference): 1 to 64 of [a-zA-Z0-9_-]. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function nameConstraint(name: string): string {
  return name.length > 64
    ? 'Member must have length less than or equal to 64'
    : 'Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+';
}

/** The first tool name outside Converse's constraint, declared or called, in AWS's validation words. */
function invalidToolName(body: Json | undefined, messages: Array<{ content: Json[] }>): string | undefined {
  const tools = ((body?.toolConfig as { tools?: Json[] } | undefined)?.tools ?? []) as Json[];
  for (const [t, tool] of tools.entries()) {
    const name = (tool.toolSpec as { name?: unknown } | undefined)?.name;
    if (name === undefined || (typeof name === 'string' && TOOL_NAME.test(name))) continue;
    return `1 validation error detected: Value '${String(name)}' at 'toolConfig.tools.${t + 1}.member.toolSpec.name' failed to satisfy constraint: ${nameConstraint(String(name))}`;
  }
  for (const [m, message] of messages.entries()) {
    for (const [c, block] of message.content.entries()) {
      const name = String((block.toolUse as { name?: unknown } | undefined)?.name ?? 'x');
      if (TOOL_NAME.test(name)) continue;
      return `1 validation error detected: Value '${name}' at 'messages.${m + 1}.member.content.${c + 1}.member.toolUse.name' failed to satisfy constraint: ${nameConstraint(name)}`;
    }
  }
  return undefined;
}

/**
 * Converse's checks of a conversation's shape, in its words: it starts with a user message, the roles
 * alternate, and no text block is blank (empty or whitespace only), in a message or a tool result.
 */
function malformedConversation(messages: Array<{ role: string; content: Json[] }>): string | undefined {
  if (messages[0]?.role !== 'user') {
    return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  }
  if (messages.some((message, i) => i > 0 && message.role === messages[i - 1]?.role)) {
    return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
  }
  const blank = (blocks: Json[]) => blocks.some((block) => typeof block.text === 'string' && block.text.trim() === '');
  const blankText = messages.some((message) =>
    message.content.some((block) => {
      const result = block.toolResult as { content?: Json[] } | undefined;
      return blank([block]) || blank(result?.content ?? []);
    }),
  );
  if (blankText)
    return 'The model returned the following errors: messages: text content blocks must contain non-whitespace text';
  return undefined;
}

/** DocumentBlock's `format` values. */
const DOCUMENT_FORMATS = ['docx', 'csv', 'html', 'txt', 'pdf', 'md', 'doc', 'xlsx', 'xls'];

/** A DocumentBlock's `name`: letters, digits, single whitespace, hyphens, parentheses and square brackets. */
const DOCUMENT_NAME = /^(?:[A-Za-z0-9()[\]-]|\s(?!\s))+$/;

/**
 * Converse's checks of the documents, in its words: a text block in each message that holds one (a file sent
 * with no prompt is refused), a format it reads, a valid name, and no two names alike in the request's messages
 * (case ignored), so two untitled PDFs given one default name are refused.
 */
function badDocument(messages: Array<{ content: Json[] }>): string | undefined {
  const seen = new Set<string>();
  for (const message of messages) {
    const documents = message.content.some((block) => block.document !== undefined);
    if (documents && !message.content.some((block) => typeof block.text === 'string')) {
      return 'A text block must be included when using documents.';
    }
    for (const block of message.content) {
      const document = block.document as { name?: unknown; format?: unknown } | undefined;
      if (document === undefined) continue;
      if (!DOCUMENT_FORMATS.includes(String(document.format))) {
        return `1 validation error detected: Value '${String(document.format)}' at 'messages.1.member.content.1.member.document.format' failed to satisfy constraint: Member must satisfy enum value set: [${DOCUMENT_FORMATS.join(', ')}]`;
      }
      const name = document.name;
      if (typeof name !== 'string' || !DOCUMENT_NAME.test(name)) {
        return "The document file name can only contain alphanumeric characters, whitespace characters, hyphens, parentheses, and square brackets. The name can't contain more than one consecutive whitespace character.";
      }
      if (seen.has(name.toLowerCase())) {
        return "Messages can't contain duplicate document names. Rename the document and retry your request.";
      }
      seen.add(name.toLowerCase());
    }
  }
  return undefined;
}

/** Claude and Nova take at most four cache checkpoints a request, as Anthropic takes four cache_control marks. */
const MAX_CACHE_POINTS = 4;

/**
 * Claude with thinking on refuses a tool loop whose last assistant turn lost its signed reasoning (the
 * gateway must send it back as reasoningContent); Anthropic's words, as Bedrock relays them.
 */
function unsignedToolTurn(modelId: string, body: Json | undefined, messages: Array<{ role: string; content: Json[] }>) {
  const thinking = (body?.additionalModelRequestFields as { thinking?: { type?: string } } | undefined)?.thinking;
  if (!MODEL_FIELDS[0]?.[0].test(modelId) || thinking?.type !== 'enabled') return undefined;
  const at = messages.findLastIndex((message) => message.role === 'assistant');
  const last = messages[at];
  if (!last?.content.some((block) => 'toolUse' in block)) return undefined;
  const first = last.content[0] as {
    reasoningContent?: { reasoningText?: { signature?: string }; redactedContent?: string };
  };
  if (first.reasoningContent?.reasoningText?.signature || first.reasoningContent?.redactedContent) return undefined;
  return `The model returned the following errors: messages.${at}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${Object.keys(first)[0]}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block.`;
}

function extraneousField(modelId: string, fields: unknown): string | undefined {
  if (fields === undefined || fields === null || typeof fields !== 'object') return undefined;
  const known = MODEL_FIELDS.find(([family]) => family.test(modelId))?.[1] ?? [];
  return Object.keys(fields).find((key) => !known.includes(key));
}

export interface FakeBedrockOptions {
  /** SigV4 keys the fake accepts (a session token, when set, must come as x-amz-security-token). */
  keys?: AwsKey[];
  /** A Bedrock API key, accepted as `Authorization: Bearer`. */
  apiKey?: string;
  region?: string;
}

/** SigV4's basic format for a time (20261206T120000Z). */
function amzTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/** AWS's refusal of a signature made more than 5 minutes before or after its own time, worded as AWS words it. */
function signatureTimeFailure(amzDate: string, serverMs: number): { exception: string; message: string } | undefined {
  const parts = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!parts) return undefined;
  const [, y, mo, d, h, mi, se] = parts.map(Number) as number[];
  const signedMs = Date.UTC(y as number, (mo as number) - 1, d, h, mi, se);
  const window = 5 * 60_000;
  const now = amzTime(serverMs);
  if (signedMs < serverMs - window) {
    return {
      exception: 'InvalidSignatureException',
      message: `Signature expired: ${amzDate} is now earlier than ${amzTime(serverMs - window)} (${now} - 5 min.)`,
    };
  }
  if (signedMs > serverMs + window) {
    return {
      exception: 'InvalidSignatureException',
      message: `Signature not yet current: ${amzDate} is still later than ${amzTime(serverMs + window)} (${now} + 5 min.)`,
    };
  }
  return undefined;
}

/**
 * A fake Bedrock runtime: Converse and ConverseStream at /model/{modelId}/..., SigV4 verified from the spec
 * (or a Bedrock API key as bearer), AWS error shapes with x-amzn-errortype, and ConverseStream in the binary
 * event-stream framing with CRCs, encoded by @smithy/eventstream-codec as the real service's are.
 */
export class FakeBedrock {
  readonly server: FakeServer;
  private readonly queue: BedrockBehaviour[] = [];
  private responder: ((request: RecordedRequest) => BedrockBehaviour | undefined) | undefined;
  readonly options: Required<Pick<FakeBedrockOptions, 'keys' | 'region'>> & FakeBedrockOptions;

  constructor(options: FakeBedrockOptions = {}) {
    this.options = { keys: [], region: 'us-east-1', ...options };
    this.server = new FakeServer((request, res) => this.handle(request, res));
  }

  static async start(options: FakeBedrockOptions = {}): Promise<FakeBedrock> {
    const fake = new FakeBedrock(options);
    await fake.server.listen();
    return fake;
  }

  get endpoint(): string {
    return this.server.origin;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => PATH.test(r.path));
  }

  enqueue(...behaviours: BedrockBehaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  /**
   * Answers each request from what it contains (after any enqueued behaviour), for tests whose client decides
   * the next turn itself, such as a coding agent.
   */
  respondWith(responder: (request: RecordedRequest) => BedrockBehaviour | undefined): this {
    this.responder = responder;
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** Session keys that have run out: refused as AWS refuses them, 403 ExpiredTokenException. */
  readonly expiredKeys = new Set<string>();

  /** Ends a session key's life (its access key id), and accepts `next` from now on, as an STS renewal does. */
  rotate(expired: string, next: AwsKey): void {
    this.expiredKeys.add(expired);
    this.options.keys.push(next);
  }

  /**
   * How far the service's clock runs ahead of this machine's (negative: behind). AWS refuses a signature whose
   * X-Amz-Date is more than 5 minutes off its own time, and every answer carries its time in `Date`.
   */
  clockOffsetMs = 0;

  private error(res: ServerResponse, status: number, exception: string, message: string): undefined {
    const body = JSON.stringify({ message });
    res.writeHead(status, {
      date: new Date(Date.now() + this.clockOffsetMs).toUTCString(),
      'content-type': 'application/json',
      'x-amzn-errortype': `${exception}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      'x-amzn-requestid': 'fake-request-id',
    });
    res.end(body);
    return undefined;
  }

  private authFailure(request: RecordedRequest) {
    const authorization = String(request.headers.authorization ?? '');
    if (this.options.apiKey && authorization === `Bearer ${this.options.apiKey}`) return undefined;
    const keyId = /Credential=([^/]+)\//.exec(authorization)?.[1];
    if (keyId && this.expiredKeys.has(keyId)) {
      return { exception: 'ExpiredTokenException', message: 'The security token included in the request is expired' };
    }
    if (authorization.startsWith('Bearer ')) {
      return {
        exception: 'UnrecognizedClientException',
        message: 'Invalid API Key format: Must start with pre-defined prefix',
      };
    }
    return (
      signatureTimeFailure(String(request.headers['x-amz-date'] ?? ''), Date.now() + this.clockOffsetMs) ??
      verifySigV4(request.method, request.path, request.headers, request.rawBody, this.options.keys, 'bedrock')
    );
  }

  private handle(request: RecordedRequest, res: ServerResponse): undefined {
    const failure = this.authFailure(request);
    if (failure) return this.error(res, 403, failure.exception, failure.message);
    const match = PATH.exec(request.path);
    if (!match || request.method !== 'POST') return this.error(res, 404, 'UnknownOperationException', 'Not found');
    const body = request.body as Json | undefined;
    const messages = body?.messages as Array<{ role: string; content: Json[] }> | undefined;
    if (!Array.isArray(messages) || messages.length === 0 || messages.some((m) => !m.content?.length)) {
      return this.error(
        res,
        400,
        'ValidationException',
        'The model returned the following errors: messages: at least one message is required',
      );
    }
    const toolBlocks = messages.some((m) => m.content.some((block) => 'toolUse' in block || 'toolResult' in block));
    if (toolBlocks && body?.toolConfig === undefined) {
      return this.error(
        res,
        400,
        'ValidationException',
        'The toolConfig field must be defined when using toolUse and toolResult content blocks.',
      );
    }
    const malformed = malformedConversation(messages);
    if (malformed) return this.error(res, 400, 'ValidationException', malformed);
    const badName = badDocument(messages);
    if (badName) return this.error(res, 400, 'ValidationException', badName);
    const badToolUseId = invalidToolUseId(messages);
    if (badToolUseId) return this.error(res, 400, 'ValidationException', badToolUseId);
    const badToolName = invalidToolName(body, messages);
    if (badToolName) return this.error(res, 400, 'ValidationException', badToolName);
    const cachePoints = (JSON.stringify(body).match(/"cachePoint":/g) ?? []).length;
    if (cachePoints > MAX_CACHE_POINTS) {
      return this.error(
        res,
        400,
        'ValidationException',
        `The number of cache points in the request exceeds the maximum of ${MAX_CACHE_POINTS} (found ${cachePoints}).`,
      );
    }
    const unsigned = unsignedToolTurn(decodeURIComponent(match[1] as string), body, messages);
    if (unsigned) return this.error(res, 400, 'ValidationException', unsigned);
    const extraneous = extraneousField(decodeURIComponent(match[1] as string), body?.additionalModelRequestFields);
    if (extraneous) {
      return this.error(
        res,
        400,
        'ValidationException',
        `The model returned the following errors: extraneous key [${extraneous}] is not permitted, please reformat your input and try again.`,
      );
    }
    const behaviour = this.queue.shift() ?? this.responder?.(request) ?? { kind: 'reply', text: 'Hello from Bedrock.' };
    if (behaviour.kind === 'error') return this.error(res, behaviour.status, behaviour.exception, behaviour.message);
    const reply =
      behaviour.kind === 'reply'
        ? behaviour
        : ((behaviour.kind === 'stall' ? behaviour.reply : undefined) ?? {
            kind: 'reply' as const,
            text: 'one two three four',
          });
    const extra = this.responseFields(decodeURIComponent(match[1] as string), body, reply);
    if (match[2] === 'converse') return this.whole(res, reply, extra);
    const events = this.events(reply, extra);
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'fake' });
    const cut = behaviour.kind === 'streamError' || behaviour.kind === 'stall' ? behaviour.after : events.length;
    for (const [n, [type, payload]] of events.slice(0, cut).entries()) {
      res.write(
        codec.encode({
          headers: {
            ':event-type': stringHeader(type),
            ':content-type': stringHeader('application/json'),
            ':message-type': stringHeader('event'),
          },
          body: new TextEncoder().encode(JSON.stringify({ ...payload, p: padding(n) })),
        }),
      );
    }
    if (behaviour.kind === 'streamError') {
      res.write(
        codec.encode({
          headers: {
            ':exception-type': stringHeader(behaviour.exception),
            ':content-type': stringHeader('application/json'),
            ':message-type': stringHeader('exception'),
          },
          body: new TextEncoder().encode(JSON.stringify({ message: behaviour.message })),
        }),
      );
    }
    // A stalled stream stays open until the gateway (or the fake's close) ends the connection.
    if (behaviour.kind !== 'stall') res.end();
    return undefined;
  }

  private content(reply: BedrockReply): Json[] {
    const content: Json[] = [];
    if (reply.reasoning) content.push({ reasoningContent: { reasoningText: reply.reasoning } });
    if (reply.text !== undefined) content.push({ text: reply.text });
    for (const call of reply.toolCalls ?? []) {
      content.push({ toolUse: { toolUseId: call.id, name: call.name, input: call.input } });
    }
    return content;
  }

  private usage(reply: BedrockReply) {
    const usage = reply.usage ?? { input: 12, output: 6 };
    return {
      inputTokens: usage.input,
      outputTokens: usage.output,
      totalTokens: usage.input + usage.output + (usage.cacheRead ?? 0) + (usage.cacheWrite ?? 0),
      ...(usage.cacheRead ? { cacheReadInputTokens: usage.cacheRead } : {}),
      ...(usage.cacheWrite ? { cacheWriteInputTokens: usage.cacheWrite } : {}),
    };
  }

  private stopReason(reply: BedrockReply): string {
    return reply.stopReason ?? (reply.toolCalls?.length ? 'tool_use' : 'end_turn');
  }

  /**
   * `additionalModelResponseFields`: the fields of the model's own answer that the request's
   * `additionalModelResponseFieldPaths` point at (Claude's answer has `stop_sequence`); pointers to fields the
   * answer lacks are ignored, as Converse ignores them.
   */
  private responseFields(modelId: string, body: Json | undefined, reply: BedrockReply): Json | undefined {
    const paths = body?.additionalModelResponseFieldPaths;
    if (!Array.isArray(paths) || !MODEL_FIELDS[0]?.[0].test(modelId)) return undefined;
    const answer: Json = { stop_sequence: reply.stopReason === 'stop_sequence' ? (reply.stopSequence ?? null) : null };
    const fields: Json = {};
    for (const path of paths) {
      const key = String(path).replace(/^\//, '');
      if (key in answer) fields[key] = answer[key];
    }
    return fields;
  }

  private whole(res: ServerResponse, reply: BedrockReply, extra: Json | undefined): undefined {
    const body = JSON.stringify({
      output: { message: { role: 'assistant', content: this.content(reply) } },
      stopReason: this.stopReason(reply),
      ...(extra ? { additionalModelResponseFields: extra } : {}),
      usage: this.usage(reply),
      metrics: { latencyMs: 42 },
    });
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'fake' });
    res.end(body);
    return undefined;
  }

  /** ConverseStream's events: messageStart, blocks with their deltas, messageStop, metadata. */
  private events(reply: BedrockReply, extra: Json | undefined): Array<[string, Json]> {
    const events: Array<[string, Json]> = [['messageStart', { role: 'assistant' }]];
    let index = 0;
    if (reply.reasoning) {
      for (const piece of split(reply.reasoning.text, reply.chunkSize ?? 8)) {
        events.push(['contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { text: piece } } }]);
      }
      events.push([
        'contentBlockDelta',
        { contentBlockIndex: index, delta: { reasoningContent: { signature: reply.reasoning.signature } } },
      ]);
      events.push(['contentBlockStop', { contentBlockIndex: index++ }]);
    }
    if (reply.text !== undefined) {
      for (const piece of split(reply.text, reply.chunkSize ?? 5)) {
        events.push(['contentBlockDelta', { contentBlockIndex: index, delta: { text: piece } }]);
      }
      events.push(['contentBlockStop', { contentBlockIndex: index++ }]);
    }
    for (const call of reply.toolCalls ?? []) {
      events.push([
        'contentBlockStart',
        { contentBlockIndex: index, start: { toolUse: { toolUseId: call.id, name: call.name } } },
      ]);
      for (const piece of split(JSON.stringify(call.input), 7)) {
        events.push(['contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: piece } } }]);
      }
      events.push(['contentBlockStop', { contentBlockIndex: index++ }]);
    }
    events.push([
      'messageStop',
      { stopReason: this.stopReason(reply), ...(extra ? { additionalModelResponseFields: extra } : {}) },
    ]);
    if (!reply.omitMetadata) events.push(['metadata', { usage: this.usage(reply), metrics: { latencyMs: 42 } }]);
    return events;
  }
}
