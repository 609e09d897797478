import type { SseEvent } from '../../upstream/sse-parse.js';
import type { UpstreamErrorInfo, UpstreamStreamDecoder } from '../contract.js';
import type { IrStreamEvent, IrTokenLogprob, IrUsage } from '../ir/types.js';
import { JSON_STRING_LITERAL, textOfLiteral } from '../shared/json-string-literal.js';
import { isObject, type JsonObject } from './field-readers.js';
import { logprobsOf } from './logprobs.js';
import {
  type DecodedStop,
  OUT_OF_CAPACITY,
  OUT_OF_CAPACITY_MESSAGE,
  stopFromFinishReason,
  stopWithToolCalls,
} from './stop-reason.js';
import { streamErrorInfo } from './upstream-error.js';
import { argumentsOf, objectField, reasoningOf, stringField, textOf } from './upstream-message-fields.js';
import { usageFromChat, zeroUsage } from './usage.js';

/**
 * `chat.completion.chunk` events -> IR stream events, as they arrive.
 *
 * - `start` waits for the first chunk with a choice (Azure opens with a choiceless filter-results chunk).
 * - `reasoning_content` / `reasoning` deltas are a thinking block, `content` and `refusal` a text block; the two
 *   never overlap. A refusal makes the stop reason `refusal`.
 * - Tool calls are keyed by their `index`; the id and name come in the first delta only. A delta with a new id
 *   and a name at an index already in use opens a new call (Ollama numbers every parallel call 0). Tool blocks
 *   stay open until the finish_reason, since parallel calls may interleave.
 * - A call is opened once its name is known: some servers send the id (and argument text) first and the name in
 *   a later delta, or announce the call with an empty name. Argument text that came before the name is held and
 *   follows the opening; a call whose name never arrives is opened nameless at the end, so nothing is lost.
 *   A call that streamed no argument text (some servers send "" for a tool without parameters) gets `{}`.
 * - A `stop` after tool calls is tool use (see stopWithToolCalls).
 * - A chunk that is only envelope and a text delta (most of a stream) is recognised by its shape and its text
 *   copied as sent (CONTENT_CHUNK); anything else, or any doubt, goes through JSON.parse.
 * - `finish` is held after the finish_reason until the usage chunk (OpenAI sends it after the finish_reason
 *   chunk), `[DONE]`, or the end of the body (some servers never send `[DONE]`). `[DONE]` without a
 *   finish_reason also finishes. An end of body without either is an error.
 */
export class ChatStreamDecoder implements UpstreamStreamDecoder {
  private id = '';
  private model = '';
  private started = false;
  private done = false;
  private nextBlock = 0;
  private flowing: { index: number; kind: 'text' | 'thinking' } | undefined;
  private readonly tools = new Map<number, ToolCallState>();
  private readonly openTools: number[] = [];
  /** Every call of the stream in opening order, also those whose index a later call took over. */
  private readonly allTools: ToolCallState[] = [];
  private refused = false;
  private pendingStop: DecodedStop | undefined;
  private usage: IrUsage | undefined;

  decode(event: SseEvent): IrStreamEvent[] {
    if (this.done || event.event === 'ping') return [];
    const data = event.data.trim();
    if (data === '') return [];
    if (data === '[DONE]') return this.complete();
    if (this.started && this.pendingStop === undefined && event.event === undefined) {
      const quoted = CONTENT_CHUNK.exec(data)?.[1];
      if (quoted !== undefined) return this.contentDelta(quoted);
    }
    const payload = parseJson(data);
    if (!isObject(payload))
      return this.fail({ kind: 'upstream', message: 'the upstream sent a stream event that is not JSON' });
    if (event.event === 'error' || (payload.error !== undefined && payload.error !== null)) {
      return this.fail(streamErrorInfo(payload));
    }
    return this.chunk(payload);
  }

  end(): IrStreamEvent[] {
    if (this.done) return [];
    if (this.pendingStop) return this.complete();
    return this.fail({ kind: 'upstream', message: 'the upstream stream ended before the response finished' });
  }

  private chunk(payload: JsonObject): IrStreamEvent[] {
    const out: IrStreamEvent[] = [];
    this.id ||= stringField(payload, 'id') ?? '';
    this.model ||= stringField(payload, 'model') ?? '';
    const heldFinish = this.pendingStop !== undefined;
    const usage = usageFromChat(payload.usage);
    if (usage) this.usage = usage;
    const choice = Array.isArray(payload.choices) ? payload.choices.find(isObject) : undefined;
    if (choice && !heldFinish) {
      this.ensureStarted(out);
      this.applyDelta(objectField(choice, 'delta') ?? {}, out, logprobsOf(choice));
      const finish = stringField(choice, 'finish_reason');
      if (finish) this.stop(finish, choice, out);
    }
    if (heldFinish && usage) out.push(...this.complete());
    return out;
  }

  private contentDelta(quoted: string): IrStreamEvent[] {
    const text = textOfLiteral(quoted);
    if (!text) return [];
    const out: IrStreamEvent[] = [];
    this.appendFlowing('text', text, out, quoted);
    return out;
  }

  private ensureStarted(out: IrStreamEvent[]): void {
    if (this.started) return;
    this.started = true;
    out.push({ type: 'start', id: this.id, model: this.model });
  }

  private applyDelta(delta: JsonObject, out: IrStreamEvent[], logprobs: IrTokenLogprob[] | undefined): void {
    const reasoning = reasoningOf(delta);
    if (reasoning) this.appendFlowing('thinking', reasoning, out);
    const text = textOf(delta.content);
    if (text) this.appendFlowing('text', text, out, undefined, logprobs);
    const refusal = stringField(delta, 'refusal');
    if (refusal) {
      this.refused = true;
      this.appendFlowing('text', refusal, out);
    }
    const calls = Array.isArray(delta.tool_calls) ? delta.tool_calls : [];
    calls.forEach((call, position) => {
      if (isObject(call)) this.toolDelta(call, position, out);
    });
  }

  private appendFlowing(
    kind: 'text' | 'thinking',
    text: string,
    out: IrStreamEvent[],
    quoted?: string,
    logprobs?: IrTokenLogprob[],
  ): void {
    if (this.flowing?.kind !== kind) {
      this.closeFlowing(out);
      this.flowing = { index: this.nextBlock++, kind };
      out.push({ type: 'block_start', index: this.flowing.index, block: { type: kind } });
    }
    const index = this.flowing.index;
    if (kind === 'thinking') out.push({ type: 'thinking_delta', index, text });
    else
      out.push(
        logprobs ? { type: 'text_delta', index, text, quoted, logprobs } : { type: 'text_delta', index, text, quoted },
      );
  }

  private closeFlowing(out: IrStreamEvent[]): void {
    if (!this.flowing) return;
    out.push({ type: 'block_stop', index: this.flowing.index });
    this.flowing = undefined;
  }

  private toolDelta(call: JsonObject, position: number, out: IrStreamEvent[]): void {
    const key = typeof call.index === 'number' ? call.index : position;
    const fn = objectField(call, 'function');
    const id = stringField(call, 'id');
    const name = stringField(fn, 'name');
    let tool = this.tools.get(key);
    if (!tool || (tool.block !== undefined && id && name && id !== tool.id)) {
      tool = { id: id || `call_${key}`, name: '', heldArgs: '' };
      this.tools.set(key, tool);
      this.allTools.push(tool);
    }
    const json = argumentsOf(fn);
    if (tool.block !== undefined) {
      if (json) this.pushArgs(tool, json, out);
      return;
    }
    if (id) tool.id = id;
    if (name) tool.name = name;
    tool.heldArgs += json;
    if (tool.name) this.openTool(tool, out);
  }

  private openTool(tool: ToolCallState, out: IrStreamEvent[]): void {
    this.closeFlowing(out);
    const index = this.nextBlock++;
    tool.block = index;
    this.openTools.push(index);
    out.push({ type: 'block_start', index, block: { type: 'tool_call', id: tool.id, name: tool.name } });
    if (tool.heldArgs) this.pushArgs(tool, tool.heldArgs, out);
    tool.heldArgs = '';
  }

  private pushArgs(tool: ToolCallState, json: string, out: IrStreamEvent[]): void {
    if (json.trim() !== '') tool.hasArgs = true;
    out.push({ type: 'tool_args_delta', index: tool.block as number, json });
  }

  private stop(finishReason: string, choice: JsonObject, out: IrStreamEvent[]): void {
    this.closeAll(out);
    if (finishReason === OUT_OF_CAPACITY) {
      out.push(...this.fail({ kind: 'overloaded', message: OUT_OF_CAPACITY_MESSAGE }));
      return;
    }
    this.pendingStop = this.refused
      ? { stopReason: 'refusal' }
      : stopWithToolCalls(stopFromFinishReason(finishReason, choice.stop_reason), this.allTools.length > 0);
  }

  private closeAll(out: IrStreamEvent[]): void {
    for (const tool of this.allTools) {
      if (tool.block === undefined) this.openTool(tool, out);
      if (!tool.hasArgs) this.pushArgs(tool, '{}', out);
    }
    this.closeFlowing(out);
    for (const index of this.openTools) out.push({ type: 'block_stop', index });
    this.openTools.length = 0;
  }

  private complete(): IrStreamEvent[] {
    if (!this.started && !this.pendingStop) {
      return this.fail({ kind: 'upstream', message: 'the upstream stream ended without a response' });
    }
    const out: IrStreamEvent[] = [];
    this.ensureStarted(out);
    this.closeAll(out);
    const stop = this.pendingStop ?? { stopReason: this.allTools.length > 0 ? 'tool_use' : 'end_turn' };
    const { stopSequence } = stop;
    out.push({
      type: 'finish',
      stopReason: stop.stopReason,
      ...(stopSequence === undefined ? {} : { stopSequence }),
      usage: this.usage ?? zeroUsage(),
    });
    this.done = true;
    return out;
  }

  private fail(info: UpstreamErrorInfo): IrStreamEvent[] {
    this.done = true;
    return [{ type: 'error', kind: info.kind, message: info.message }];
  }
}

/** A tool call of the stream; `block` is its IR block once opened (when its name is known). */
interface ToolCallState {
  id: string;
  name: string;
  block?: number | undefined;
  /** Argument text received before the block opened. */
  heldArgs: string;
  /** Whether any argument text other than blanks went out; a call without any gets `{}`. */
  hasArgs?: boolean | undefined;
}

/** Envelope fields a content chunk may carry around its choice; none of them changes what the chunk means. */
const ENVELOPE_FIELD = String.raw`"(?:id|object|created|model|system_fingerprint|service_tier|obfuscation)":(?:"[^"\\]*"|-?\d+|null)|"usage":null`;

/**
 * A chunk whose only content is one text delta on choice 0, in the compact form OpenAI, Azure, DeepSeek, vLLM
 * and most compatible servers write: `{"id":…,"choices":[{"index":0,"delta":{"content":"…"},"logprobs":null,
 * "finish_reason":null}]}`. Group 1 is the content as a JSON string literal.
 */
const CONTENT_CHUNK = new RegExp(
  String.raw`^\{(?:(?:${ENVELOPE_FIELD}),)*"choices":\[\{"index":0,"delta":\{(?:"role":"assistant",)?"content":(${JSON_STRING_LITERAL})\}(?:,"logprobs":null)?,"finish_reason":null(?:,"logprobs":null|,"stop_reason":null)*\}\](?:,(?:${ENVELOPE_FIELD}))*\}$`,
);

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
