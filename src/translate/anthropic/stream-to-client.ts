import type { ClientStreamEncoder, EncodeContext } from '../contract.js';
import type { IrBlockStart, IrStreamEvent } from '../ir/types.js';
import { anthropicTypeForKind } from './error-types.js';
import { stopReasonToAnthropic } from './stop-reason.js';
import { ToolArgsHoldback } from './tool-args-holdback.js';
import { anthropicToolId } from './tool-id.js';
import { usageToAnthropic } from './usage.js';
import type { AnthropicBlockDelta, AnthropicResponseBlock, AnthropicStreamEvent } from './wire-types.js';

/**
 * Encodes IR stream events as an Anthropic Messages SSE stream, event by event.
 *
 * Anthropic content blocks are strictly sequential (start, deltas, stop, then the next block), while tool
 * calls from OpenAI streams can interleave. A block that opens while another is still open is therefore held
 * (its start, deltas and stop queued) until the earlier block closes; wire indexes count blocks in the order
 * they reach the wire.
 *
 * Usage: `message_start` carries what is known at the start (OpenAI upstreams only report usage at the end,
 * so often zeros); `message_delta` carries the full cumulative totals (input_tokens without cache tokens,
 * cache_creation_input_tokens, cache_read_input_tokens, output_tokens), which the official SDK's
 * MessageStream takes over the earlier values.
 */

type QueuedEvent = Exclude<IrStreamEvent, { type: 'start' | 'finish' | 'error' }>;
type StartEvent = Extract<IrStreamEvent, { type: 'start' }>;

interface Block {
  start: IrBlockStart;
  wireIndex: number;
  queue: QueuedEvent[];
  sawStop: boolean;
  args: ToolArgsHoldback;
}

function sse(event: AnthropicStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

class AnthropicStreamEncoder implements ClientStreamEncoder {
  private started = false;
  private done = false;
  private readonly blocks = new Map<number, Block>();
  private readonly waiting: Block[] = [];
  private active: Block | undefined;
  private nextWireIndex = 0;

  constructor(private readonly context: EncodeContext) {}

  encode(event: IrStreamEvent): string {
    if (this.done) return '';
    if (event.type === 'start') return this.messageStart(event);
    if (event.type === 'error') {
      this.done = true;
      return sse({ type: 'error', error: { type: anthropicTypeForKind(event.kind), message: event.message } });
    }
    const prelude = this.messageStart(undefined);
    if (event.type === 'finish') return prelude + this.finish(event);
    if (event.type === 'block_start') return prelude + this.openBlock(event.index, event);
    return prelude + this.blockEvent(event);
  }

  /** The opening event; synthesised from the client's request when the IR stream did not start with `start`. */
  private messageStart(start: StartEvent | undefined): string {
    if (this.started) return '';
    this.started = true;
    const requested = this.context.clientRequest.model;
    return sse({
      type: 'message_start',
      message: {
        id: start?.id || this.context.newId('msg_'),
        type: 'message',
        role: 'assistant',
        model: start?.model || (typeof requested === 'string' ? requested : ''),
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usageToAnthropic(start?.usage ?? {}),
      },
    });
  }

  private openBlock(index: number, event: QueuedEvent & { type: 'block_start' }): string {
    if (this.blocks.has(index)) return '';
    const block: Block = {
      start: event.block,
      wireIndex: -1,
      queue: [event],
      sawStop: false,
      args: new ToolArgsHoldback(),
    };
    this.blocks.set(index, block);
    this.waiting.push(block);
    return this.active ? '' : this.promoteWaiting();
  }

  private blockEvent(event: QueuedEvent): string {
    const block = this.blocks.get(event.index);
    if (!block || block.sawStop) return '';
    if (event.type === 'block_stop') block.sawStop = true;
    if (block !== this.active) {
      block.queue.push(event);
      return '';
    }
    const out = this.render(block, event);
    return this.active ? out : out + this.promoteWaiting();
  }

  /** Puts held blocks on the wire, in the order they opened, until one is left open. */
  private promoteWaiting(): string {
    let out = '';
    while (!this.active) {
      const block = this.waiting.shift();
      if (!block) break;
      block.wireIndex = this.nextWireIndex++;
      this.active = block;
      for (const queued of block.queue.splice(0)) out += this.render(block, queued);
    }
    return out;
  }

  private render(block: Block, event: QueuedEvent): string {
    const index = block.wireIndex;
    switch (event.type) {
      case 'block_start':
        return sse({ type: 'content_block_start', index, content_block: startBlock(block.start, this.context) });
      case 'block_stop': {
        this.active = undefined;
        const owed = block.args.finish();
        const rest = owed ? delta(index, { type: 'input_json_delta', partial_json: owed }) : '';
        return rest + sse({ type: 'content_block_stop', index });
      }
      default:
        return this.renderDelta(block, event);
    }
  }

  private renderDelta(block: Block, event: QueuedEvent): string {
    const kind = block.start.type;
    if (event.type === 'text_delta' && kind === 'text' && event.text) {
      return textDelta(block.wireIndex, event.quoted ?? JSON.stringify(event.text));
    }
    if (event.type === 'thinking_delta' && kind === 'thinking' && event.text) {
      return delta(block.wireIndex, { type: 'thinking_delta', thinking: event.text });
    }
    if (event.type === 'signature_delta' && kind === 'thinking' && event.signature) {
      return delta(block.wireIndex, { type: 'signature_delta', signature: event.signature });
    }
    if (event.type === 'tool_args_delta' && kind === 'tool_call') {
      const ready = block.args.push(event.json);
      return ready ? delta(block.wireIndex, { type: 'input_json_delta', partial_json: ready }) : '';
    }
    return '';
  }

  /** Closes every block still open or held, then ends the message with the final stop reason and usage. */
  private finish(event: Extract<IrStreamEvent, { type: 'finish' }>): string {
    let out = '';
    for (const [index, block] of this.blocks) {
      if (!block.sawStop) out += this.blockEvent({ type: 'block_stop', index });
    }
    this.done = true;
    return (
      out +
      sse({
        type: 'message_delta',
        delta: { stop_reason: stopReasonToAnthropic(event.stopReason), stop_sequence: event.stopSequence ?? null },
        usage: usageToAnthropic(event.usage),
      }) +
      sse({ type: 'message_stop' })
    );
  }
}

/** A text content_block_delta around text already serialised as a JSON string literal. */
function textDelta(index: number, quoted: string): string {
  return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"text_delta","text":${quoted}}}\n\n`;
}

/**
 * A content_block_delta event. Deltas are most of a stream, so the text is built around the one serialised
 * string instead of serialising the event object (the same bytes as `sse()` would write, at half the cost).
 */
function delta(index: number, value: AnthropicBlockDelta): string {
  const head = `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":`;
  switch (value.type) {
    case 'text_delta':
      return textDelta(index, JSON.stringify(value.text));
    case 'thinking_delta':
      return `${head}"thinking_delta","thinking":${JSON.stringify(value.thinking)}}}\n\n`;
    case 'input_json_delta':
      return `${head}"input_json_delta","partial_json":${JSON.stringify(value.partial_json)}}}\n\n`;
    default:
      return sse({ type: 'content_block_delta', index, delta: value });
  }
}

function startBlock(start: IrBlockStart, context: EncodeContext): AnthropicResponseBlock {
  switch (start.type) {
    case 'text':
      return { type: 'text', text: '' };
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: start.data };
    case 'tool_call':
      return {
        type: 'tool_use',
        id: start.id ? anthropicToolId(start.id) : context.newId('toolu_'),
        name: start.name,
        input: {},
      };
  }
}

export function anthropicStreamEncoder(context: EncodeContext): ClientStreamEncoder {
  return new AnthropicStreamEncoder(context);
}
