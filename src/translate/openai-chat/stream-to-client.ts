import type { ClientStreamEncoder, EncodeContext } from '../contract.js';
import type { IrBlockStart, IrStreamEvent } from '../ir/types.js';
import { chatErrorPayload } from './client-error.js';
import { isObject } from './field-readers.js';
import { finishReasonFor } from './stop-reason.js';
import { ToolCallSequencer } from './tool-call-sequencer.js';
import { chatUsage } from './usage.js';
import type { ChatCompletionChunk, ChatDelta, ChatFinishReason, ChatUsage } from './wire.js';

/**
 * IR stream events -> `chat.completion.chunk` SSE events, the way OpenAI streams them: a first chunk with
 * `role: "assistant"`, then one chunk per delta, a chunk with the finish_reason, then - only when the client
 * sent `stream_options.include_usage` - a usage chunk with `choices: []` (every other chunk then has
 * `usage: null`), and `data: [DONE]`. Tool calls are numbered by their position among the calls and sent one
 * after another (ToolCallSequencer); the first delta of each has the id, `type` and name, the next ones only
 * argument text. Thinking streams as `reasoning_content` deltas. An `error` event becomes
 * `data: {"error":{...}}` and ends the stream (no `[DONE]`), which the openai SDK raises as an APIError.
 */
export class ChatStreamEncoder implements ClientStreamEncoder {
  private readonly includeUsage: boolean;
  private id = '';
  private model = '';
  private started = false;
  private ended = false;
  /** IR block index -> position of the call among this response's tool calls. */
  private readonly toolPositions = new Map<number, number>();
  private readonly sequencer = new ToolCallSequencer();
  /** The serialised envelope up to the delta and the tail after it: chunks differ only in their delta. */
  private chunkHead = '';
  private chunkTail = '';
  /** The same around a content delta's text literal, so that a text chunk is three strings joined. */
  private contentHead = '';
  private contentTail = '';

  constructor(private readonly context: EncodeContext) {
    const options = context.clientRequest.stream_options;
    this.includeUsage = isObject(options) && options.include_usage === true;
  }

  encode(event: IrStreamEvent): string {
    if (this.ended) return '';
    // Text deltas are most of a stream and the sequencer passes them straight through.
    if (event.type === 'text_delta') return this.encodeOne(event);
    return this.sequencer
      .push(event)
      .map((ready) => this.encodeOne(ready))
      .join('');
  }

  private encodeOne(event: IrStreamEvent): string {
    if (this.ended) return '';
    switch (event.type) {
      case 'start':
        return this.begin(event.id, event.model);
      case 'block_start':
        return this.blockStart(event.index, event.block);
      case 'text_delta':
        return event.text ? this.content(event.quoted ?? JSON.stringify(event.text)) : '';
      case 'thinking_delta':
        return event.text ? this.delta({ reasoning_content: event.text }) : '';
      case 'tool_args_delta':
        return this.toolArguments(event.index, event.json);
      case 'finish':
        return this.finish(finishReasonFor(event.stopReason), chatUsage(event.usage));
      case 'error':
        this.ended = true;
        return sse(chatErrorPayload(event.kind, event.message));
      default:
        return '';
    }
  }

  private begin(id: string, model: string): string {
    if (this.started) return '';
    this.started = true;
    this.id = id || this.context.newId('chatcmpl-');
    this.model = model;
    const envelope = JSON.stringify(this.envelope());
    this.chunkHead = `data: ${envelope.slice(0, -1)},"choices":[{"index":0,"delta":`;
    this.chunkTail = this.tailWith(null);
    this.contentHead = `${this.chunkHead}{"content":`;
    this.contentTail = `}${this.chunkTail}`;
    return `${this.chunkHead}{"role":"assistant","content":""}${this.chunkTail}`;
  }

  /** What follows the delta in a chunk, as JSON.stringify would write it, without serialising the envelope again. */
  private tailWith(finishReason: ChatFinishReason | null): string {
    return `,"logprobs":null,"finish_reason":${JSON.stringify(finishReason)}}]${this.includeUsage ? ',"usage":null' : ''}}\n\n`;
  }

  private blockStart(index: number, block: IrBlockStart): string {
    if (block.type !== 'tool_call') return '';
    const position = this.toolPositions.size;
    this.toolPositions.set(index, position);
    const id = block.id || this.context.newId('call_');
    const call = { index: position, id, type: 'function' as const, function: { name: block.name, arguments: '' } };
    return this.delta({ tool_calls: [call] });
  }

  private toolArguments(index: number, json: string): string {
    const position = this.toolPositions.get(index);
    if (position === undefined || json === '') return '';
    return this.delta({ tool_calls: [{ index: position, function: { arguments: json } }] });
  }

  /** A content chunk: the precomputed envelope around the serialised delta (the hot path of a stream). */
  private delta(delta: ChatDelta): string {
    return `${this.begin('', '')}${this.chunkHead}${JSON.stringify(delta)}${this.chunkTail}`;
  }

  /** A content chunk around its text already serialised (often copied from the upstream as it came). */
  private content(quoted: string): string {
    const start = this.started ? '' : this.begin('', '');
    return start + this.contentHead + quoted + this.contentTail;
  }

  private finish(reason: ChatFinishReason, usage: ChatUsage): string {
    let text = `${this.begin('', '')}${this.chunkHead}{}${this.tailWith(reason)}`;
    if (this.includeUsage) text += sse({ ...this.envelope(), choices: [], usage });
    this.ended = true;
    return `${text}data: [DONE]\n\n`;
  }

  private envelope(): Omit<ChatCompletionChunk, 'choices' | 'usage'> {
    return { id: this.id, object: 'chat.completion.chunk', created: this.context.createdAt, model: this.model };
  }
}

function sse(payload: object): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}
