import type { ErrorKind } from '../../errors/gateway-error.js';
import type { SseEvent } from '../../upstream/sse-parse.js';
import type { UpstreamStreamDecoder } from '../contract.js';
import type { IrStopReason, IrStreamEvent, IrUsage } from '../ir/types.js';
import { JSON_STRING_LITERAL, textOfLiteral } from '../shared/json-string-literal.js';
import { isObject, type JsonObject } from './body-reader.js';
import { kindForAnthropicType } from './error-types.js';
import { stopReasonFromAnthropic } from './stop-reason.js';
import { mergeAnthropicUsage, usageFromAnthropic } from './usage.js';

/**
 * Decodes an Anthropic Messages SSE stream into IR stream events as each event arrives.
 *
 * - `ping` and unknown events are ignored; empty deltas produce nothing.
 * - Usage comes from `message_start` and every `message_delta` (cumulative: later counters replace earlier
 *   ones); `finish` is emitted at `message_stop` with the final stop reason and usage.
 * - Blocks the gateway never asks for (server tool use and results) are skipped with their deltas, so IR
 *   block indexes stay dense in opening order.
 * - A tool_use block whose input never arrives (a tool without parameters streams only an empty
 *   `partial_json`) gets `{}` as its arguments before it closes, as the non-streamed `input: {}` reads:
 *   clients of the other dialects parse the arguments as JSON, and an empty string is not.
 * - A text delta in the compact form Anthropic writes (most of a stream) is recognised by its shape and its
 *   text copied as sent (TEXT_DELTA); so are the fixed-form ping, content_block_stop and message_stop. Every
 *   other event goes through JSON.parse.
 * - An `error` event, a malformed event, or a body that ends before `message_stop` ends the IR stream with an
 *   `error` event (Anthropic's 529 `overloaded_error` becomes kind `overloaded`).
 */

const NO_USAGE: IrUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

class AnthropicStreamDecoder implements UpstreamStreamDecoder {
  private done = false;
  private started = false;
  private usage: IrUsage = NO_USAGE;
  private stopReason: IrStopReason = 'end_turn';
  private stopSequence: string | undefined;
  /** Upstream block index -> IR block index, for the blocks being passed on. */
  private readonly indexes = new Map<number, number>();
  private nextIndex = 0;
  /** IR indexes of open tool-call blocks that have received no argument text yet. */
  private readonly toolsWithoutArgs = new Set<number>();

  decode(event: SseEvent): IrStreamEvent[] {
    if (this.done) return [];
    const textDelta = TEXT_DELTA.exec(event.data);
    if (textDelta) return this.quotedTextDelta(Number(textDelta[1]), textDelta[2] as string);
    if (event.data === PING) return [];
    if (event.data === MESSAGE_STOP) return this.messageStop();
    const blockStop = BLOCK_STOP.exec(event.data);
    if (blockStop) return this.blockStop(Number(blockStop[1]));
    const data = parse(event.data);
    if (!isObject(data)) return this.fail('upstream', `the upstream sent a malformed stream event (${event.event})`);
    switch (typeof data.type === 'string' ? data.type : event.event) {
      case 'message_start':
        return this.start(data);
      case 'content_block_start':
        return this.blockStart(data);
      case 'content_block_delta':
        return this.blockDelta(data);
      case 'content_block_stop':
        return this.blockStop(typeof data.index === 'number' ? data.index : -1);
      case 'message_delta':
        this.messageDelta(data);
        return [];
      case 'message_stop':
        return this.messageStop();
      case 'error':
        return this.upstreamError(data);
      default:
        return [];
    }
  }

  end(): IrStreamEvent[] {
    if (this.done) return [];
    return this.fail('upstream', 'the upstream stream ended before the message was complete (no message_stop)');
  }

  private fail(kind: ErrorKind, message: string): IrStreamEvent[] {
    this.done = true;
    return [{ type: 'error', kind, message }];
  }

  private upstreamError(data: JsonObject): IrStreamEvent[] {
    const error = isObject(data.error) ? data.error : {};
    const message = text(error.message) || 'the upstream reported an error mid-stream';
    return this.fail(kindForAnthropicType(error.type) ?? 'upstream', message);
  }

  private start(data: JsonObject): IrStreamEvent[] {
    if (this.started) return [];
    this.started = true;
    const message = isObject(data.message) ? data.message : {};
    this.usage = usageFromAnthropic(message.usage);
    return [{ type: 'start', id: text(message.id), model: text(message.model), usage: this.usage }];
  }

  private blockStart(data: JsonObject): IrStreamEvent[] {
    const block = isObject(data.content_block) ? data.content_block : {};
    if (typeof data.index !== 'number' || this.indexes.has(data.index) || !PASSED_ON.has(String(block.type))) return [];
    const index = this.nextIndex++;
    this.indexes.set(data.index, index);
    const events = openedBlock(block, index);
    if (block.type === 'tool_use' && !events.some((event) => event.type === 'tool_args_delta')) {
      this.toolsWithoutArgs.add(index);
    }
    return events;
  }

  private blockDelta(data: JsonObject): IrStreamEvent[] {
    const index = typeof data.index === 'number' ? this.indexes.get(data.index) : undefined;
    const delta = isObject(data.delta) ? data.delta : {};
    if (index === undefined) return [];
    const event = deltaEvent(delta, index);
    if (event?.type === 'tool_args_delta') this.toolsWithoutArgs.delete(index);
    return event ? [event] : [];
  }

  private quotedTextDelta(upstreamIndex: number, quoted: string): IrStreamEvent[] {
    const index = this.indexes.get(upstreamIndex);
    const text = textOfLiteral(quoted);
    return index === undefined || !text ? [] : [{ type: 'text_delta', index, text, quoted }];
  }

  private messageStop(): IrStreamEvent[] {
    this.done = true;
    return [{ type: 'finish', stopReason: this.stopReason, stopSequence: this.stopSequence, usage: this.usage }];
  }

  private blockStop(upstreamIndex: number): IrStreamEvent[] {
    const index = this.indexes.get(upstreamIndex);
    if (index === undefined) return [];
    this.indexes.delete(upstreamIndex);
    const stop: IrStreamEvent = { type: 'block_stop', index };
    if (!this.toolsWithoutArgs.delete(index)) return [stop];
    return [{ type: 'tool_args_delta', index, json: '{}' }, stop];
  }

  private messageDelta(data: JsonObject): void {
    const delta = isObject(data.delta) ? data.delta : {};
    if (delta.stop_reason !== undefined && delta.stop_reason !== null) {
      this.stopReason = stopReasonFromAnthropic(delta.stop_reason);
    }
    if (typeof delta.stop_sequence === 'string') this.stopSequence = delta.stop_sequence;
    this.usage = mergeAnthropicUsage(this.usage, data.usage);
  }
}

/** `{"type":"content_block_delta","index":N,"delta":{"type":"text_delta","text":"…"}}`: group 1 the index, 2 the text literal. */
const TEXT_DELTA = new RegExp(
  String.raw`^\{"type":"content_block_delta","index":(\d{1,9}),"delta":\{"type":"text_delta","text":(${JSON_STRING_LITERAL})\}\}$`,
);

const BLOCK_STOP = /^\{"type":"content_block_stop","index":(\d{1,9})\}$/;
const PING = '{"type":"ping"}';
const MESSAGE_STOP = '{"type":"message_stop"}';

const PASSED_ON = new Set(['text', 'thinking', 'redacted_thinking', 'tool_use']);

/** The IR events a `content_block_start` stands for: the block, plus any content it already carries. */
function openedBlock(block: JsonObject, index: number): IrStreamEvent[] {
  switch (block.type) {
    case 'thinking': {
      const events: IrStreamEvent[] = [{ type: 'block_start', index, block: { type: 'thinking' } }];
      if (text(block.thinking)) events.push({ type: 'thinking_delta', index, text: text(block.thinking) });
      if (text(block.signature)) events.push({ type: 'signature_delta', index, signature: text(block.signature) });
      return events;
    }
    case 'redacted_thinking':
      return [{ type: 'block_start', index, block: { type: 'redacted_thinking', data: text(block.data) } }];
    case 'tool_use': {
      const start: IrStreamEvent = {
        type: 'block_start',
        index,
        block: { type: 'tool_call', id: text(block.id), name: text(block.name) },
      };
      const hasInput = isObject(block.input) && Object.keys(block.input).length > 0;
      return hasInput ? [start, { type: 'tool_args_delta', index, json: JSON.stringify(block.input) }] : [start];
    }
    default: {
      const start: IrStreamEvent = { type: 'block_start', index, block: { type: 'text' } };
      return text(block.text) ? [start, { type: 'text_delta', index, text: text(block.text) }] : [start];
    }
  }
}

function deltaEvent(delta: JsonObject, index: number): IrStreamEvent | undefined {
  switch (delta.type) {
    case 'text_delta':
      return text(delta.text) ? { type: 'text_delta', index, text: text(delta.text) } : undefined;
    case 'input_json_delta':
      return text(delta.partial_json) ? { type: 'tool_args_delta', index, json: text(delta.partial_json) } : undefined;
    case 'thinking_delta':
      return text(delta.thinking) ? { type: 'thinking_delta', index, text: text(delta.thinking) } : undefined;
    case 'signature_delta':
      return text(delta.signature) ? { type: 'signature_delta', index, signature: text(delta.signature) } : undefined;
    default:
      return undefined;
  }
}

export function anthropicStreamDecoder(): UpstreamStreamDecoder {
  return new AnthropicStreamDecoder();
}
