import { split } from './fake-server.js';

/**
 * Pure builders for what the fake OpenAI upstream answers on Chat Completions: the whole completion object and
 * the chunk script of a stream, both in the real wire format.
 */

export interface ToolCallSpec {
  id?: string;
  name: string;
  arguments: string;
}

export interface ChatReply {
  kind: 'reply';
  text?: string;
  toolCalls?: ToolCallSpec[];
  /** Extra message fields some compatible servers send (e.g. reasoning_content); streamed before the content. */
  reasoning?: string;
  finishReason?: string;
  usage?: { prompt: number; completion: number; cached?: number; reasoning?: number };
  /** Split text, reasoning and tool arguments into chunks of this many characters when streaming. */
  chunkSize?: number;
  /** Stream the tool calls' argument pieces round-robin (index 0, 1, 0, 1 ...) instead of one call after the other. */
  interleaveToolCalls?: boolean;
  /** Put an empty `delta: {}` chunk after every chunk that carries something, as some servers do. */
  emptyDeltas?: boolean;
  /** Send each tool call's id and first argument piece before its name, as some compatible servers do. */
  lateToolNames?: boolean;
  delayMs?: number;
  /** Delay between stream chunks. */
  chunkDelayMs?: number;
}

export const DEFAULT_STREAM_TEXT = 'one two three four five six';

export function usageOf(reply: ChatReply) {
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

/** What the request asked for with `logprobs: true` and `top_logprobs`; undefined when it did not. */
export type LogprobsAsked = { top: number } | undefined;

/**
 * A token's entry in `logprobs.content`, as OpenAI writes it: the fake's tokens are the text's pieces, with
 * made-up but fixed probabilities, and the alternatives led by the token itself.
 */
export function tokenLogprob(token: string, position: number, top: number) {
  const entry = (text: string, rank: number) => ({
    token: text,
    logprob: -(position + 1) / 10 - rank,
    bytes: [...Buffer.from(text, 'utf8')],
  });
  return {
    ...entry(token, 0),
    top_logprobs: Array.from({ length: top }, (_, rank) => entry(rank === 0 ? token : `alt${rank}`, rank)),
  };
}

function randomId(): string {
  return `chatcmpl-${Math.random().toString(36).slice(2, 12)}`;
}

/** The non-streaming `chat.completion` object. */
export function completion(model: string, reply: ChatReply, name: string, logprobs?: LogprobsAsked) {
  const toolCalls = reply.toolCalls?.map((call, index) => ({
    id: call.id ?? `call_${index}`,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  const content = toolCalls && reply.text === undefined ? null : (reply.text ?? `Hello from ${name}`);
  const tokens = content === null ? [] : split(content, reply.chunkSize ?? 4);
  return {
    id: randomId(),
    object: 'chat.completion',
    created: 1_732_000_000,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          refusal: null,
          annotations: [],
          ...(reply.reasoning ? { reasoning_content: reply.reasoning } : {}),
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
        },
        logprobs: logprobs
          ? { content: tokens.map((token, i) => tokenLogprob(token, i, logprobs.top)), refusal: null }
          : null,
        finish_reason: reply.finishReason ?? (toolCalls ? 'tool_calls' : 'stop'),
      },
    ],
    usage: usageOf(reply),
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}

type Delta = Record<string, unknown>;

function toolCallDeltas(reply: ChatReply, size: number): Delta[] {
  const perCall = (reply.toolCalls ?? []).map((call, index) => {
    const id = call.id ?? `call_${index}`;
    const pieces = split(call.arguments, size).map((piece) => ({
      tool_calls: [{ index, function: { arguments: piece } }],
    }));
    if (reply.lateToolNames) {
      const [first, ...rest] = split(call.arguments, size);
      return [
        { tool_calls: [{ index, id, type: 'function', function: { arguments: first ?? '' } }] },
        { tool_calls: [{ index, function: { name: call.name, arguments: '' } }] },
        ...rest.map((piece) => ({ tool_calls: [{ index, function: { arguments: piece } }] })),
      ];
    }
    return [{ tool_calls: [{ index, id, type: 'function', function: { name: call.name, arguments: '' } }] }, ...pieces];
  });
  if (!reply.interleaveToolCalls) return perCall.flat();
  const rounds = Math.max(0, ...perCall.map((deltas) => deltas.length));
  const deltas: Delta[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const call of perCall) if (round < call.length) deltas.push(call[round] as Delta);
  }
  return deltas;
}

/** The deltas of a stream in order: role, reasoning, content, tool calls (without the finish chunk). */
function contentDeltas(reply: ChatReply): Delta[] {
  const size = reply.chunkSize ?? 4;
  const deltas: Delta[] = [{ role: 'assistant', content: '', refusal: null }];
  if (reply.reasoning) for (const piece of split(reply.reasoning, size)) deltas.push({ reasoning_content: piece });
  const text = reply.toolCalls ? reply.text : (reply.text ?? DEFAULT_STREAM_TEXT);
  if (text) for (const piece of split(text, size)) deltas.push({ content: piece });
  deltas.push(...toolCallDeltas(reply, size));
  return reply.emptyDeltas ? deltas.flatMap((delta) => [delta, {}]) : deltas;
}

/** The `chat.completion.chunk` objects of a stream, ending with the usage-only chunk when asked for. */
export function chunkScript(
  model: string,
  reply: ChatReply,
  includeUsage: boolean,
  logprobs?: LogprobsAsked,
): unknown[] {
  const base = {
    id: randomId(),
    object: 'chat.completion.chunk',
    created: 1_732_000_000,
    model,
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
  let position = 0;
  // Each content piece is one token; the other chunks carry no log probabilities.
  const logprobsOf = (delta: Delta) =>
    logprobs && typeof delta.content === 'string' && delta.content !== ''
      ? { content: [tokenLogprob(delta.content, position++, logprobs.top)], refusal: null }
      : null;
  const chunk = (delta: Delta, finishReason: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: logprobsOf(delta), finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const chunks: unknown[] = contentDeltas(reply).map((delta) => chunk(delta));
  chunks.push(chunk({}, reply.finishReason ?? (reply.toolCalls ? 'tool_calls' : 'stop')));
  if (includeUsage) chunks.push({ ...base, choices: [], usage: usageOf(reply) });
  return chunks;
}
