import type { ErrorKind } from '../../errors/gateway-error.js';
import type { ClientStreamEncoder, EncodeContext } from '../contract.js';
import type { IrBlockStart, IrStopReason, IrStreamEvent, IrUsage } from '../ir/types.js';
import { responseObject } from './response-object.js';
import { outcomeOf } from './stop-reason.js';
import { openBlock, type StreamBlock } from './stream-blocks.js';
import { streamFailure } from './stream-error.js';
import { type ClientToolNames, clientToolNames } from './tool-namespaces.js';
import { responsesUsage } from './usage.js';
import type { ItemStatus, ResponseObject, ResponsesStreamEvent } from './wire.js';

/**
 * IR stream events as Responses SSE, event by event: response.created and response.in_progress first, then
 * each block as one output item (its own output_index, so interleaved parallel tool calls stay apart), and
 * response.completed / response.incomplete / response.failed last, carrying the whole Response with usage.
 * Every event has a `sequence_number` counting from 0.
 *
 * A stopped block's closing events wait for the next IR event, so that when the stream finishes cut short
 * (max tokens, content filter) the last item can be marked `incomplete`, as in the JSON answer; no content
 * waits, only the `.done` events, and only until the next upstream event.
 */
export class ResponsesStreamEncoder implements ClientStreamEncoder {
  private readonly id: string;
  private model: string;
  private sequence = 0;
  private started = false;
  private ended = false;
  private readonly blocks = new Map<number, StreamBlock>();
  private readonly items: StreamBlock[] = [];
  private stopped: StreamBlock[] = [];
  private final: ResponseObject | undefined;

  private readonly toolNames: ClientToolNames;

  constructor(private readonly context: EncodeContext) {
    this.id = context.newId('resp_');
    this.toolNames = clientToolNames(context.clientRequest);
    const model = context.clientRequest.model;
    this.model = typeof model === 'string' ? model : '';
  }

  encode(event: IrStreamEvent): string {
    if (this.ended) return '';
    if (event.type === 'text_delta' && event.quoted !== undefined) {
      const fast = this.quotedTextDelta(event.index, event.text, event.quoted);
      if (fast !== undefined) return fast;
    }
    const events = [...this.startIfNeeded(event), ...this.handle(event)];
    return events.map((out) => this.frame(out)).join('');
  }

  /**
   * Most of a stream: a text delta for an open text item with nothing waiting to close, written around the
   * text as the upstream quoted it, with the members in the order `frame` would serialise them. Undefined when
   * the general path has more to do.
   */
  private quotedTextDelta(index: number, text: string, quoted: string): string | undefined {
    if (!this.started || this.stopped.length > 0) return undefined;
    const block = this.blocks.get(index);
    if (!block?.appendText) return undefined;
    if (text === '') return '';
    const location = block.appendText(text);
    return `event: response.output_text.delta\ndata: {"type":"response.output_text.delta",${location},"delta":${quoted},"logprobs":[],"sequence_number":${this.sequence++}}\n\n`;
  }

  /** The finished Response (completed or incomplete) once the stream has ended with one; undefined before. */
  get finished(): ResponseObject | undefined {
    return this.final;
  }

  private startIfNeeded(event: IrStreamEvent): ResponsesStreamEvent[] {
    if (this.started) return [];
    this.started = true;
    if (event.type === 'start') this.model = event.model;
    const response = this.response('in_progress', null);
    return [
      { type: 'response.created', response },
      { type: 'response.in_progress', response },
    ];
  }

  private handle(event: IrStreamEvent): ResponsesStreamEvent[] {
    switch (event.type) {
      case 'start':
        return [];
      case 'block_start':
        return [...this.closeStopped('completed'), ...this.open(event.index, event.block)];
      case 'block_stop':
        return this.stop(event.index);
      case 'finish':
        return this.finish(event.stopReason, event.usage);
      case 'error':
        return this.fail(event.kind, event.message);
      default:
        return [...this.closeStopped('completed'), ...(this.blocks.get(event.index)?.delta(event) ?? [])];
    }
  }

  private open(index: number, start: IrBlockStart): ResponsesStreamEvent[] {
    const block = openBlock(start, this.items.length, (prefix) => this.context.newId(prefix), this.toolNames);
    this.blocks.set(index, block);
    this.items.push(block);
    return block.open();
  }

  private stop(index: number): ResponsesStreamEvent[] {
    const block = this.blocks.get(index);
    if (!block) return [];
    this.blocks.delete(index);
    this.stopped.push(block);
    return [];
  }

  /** Closes the blocks that stopped earlier; `lastStatus` applies to the last output item, the others completed. */
  private closeStopped(lastStatus: ItemStatus): ResponsesStreamEvent[] {
    const closing = this.stopped;
    this.stopped = [];
    const last = this.items[this.items.length - 1];
    return closing.flatMap((block) => block.close(block === last ? lastStatus : 'completed'));
  }

  private finish(stopReason: IrStopReason, usage: IrUsage): ResponsesStreamEvent[] {
    const outcome = outcomeOf(stopReason);
    const lastStatus: ItemStatus = outcome.status === 'incomplete' ? 'incomplete' : 'completed';
    this.stopped.push(...this.blocks.values());
    this.blocks.clear();
    const closing = this.closeStopped(lastStatus);
    this.ended = true;
    const response = this.response(outcome.status, responsesUsage(usage), outcome.incompleteDetails);
    this.final = response;
    const type = outcome.status === 'completed' ? 'response.completed' : 'response.incomplete';
    return [...closing, { type, response }];
  }

  private fail(kind: ErrorKind, message: string): ResponsesStreamEvent[] {
    const closing = this.closeStopped('completed');
    this.ended = true;
    const failure = streamFailure(kind, message);
    const response = this.response('failed', null, null, failure.responseError);
    return [...closing, { type: 'error', ...failure.event }, { type: 'response.failed', response }];
  }

  private response(
    status: ResponseObject['status'],
    usage: ResponseObject['usage'],
    incompleteDetails: ResponseObject['incomplete_details'] = null,
    error: ResponseObject['error'] = null,
  ): ResponseObject {
    const output = this.items.map((block) => block.snapshot());
    return responseObject(this.context, {
      id: this.id,
      model: this.model,
      status,
      output,
      usage,
      incompleteDetails,
      error,
    });
  }

  private frame(event: ResponsesStreamEvent): string {
    const payload = { ...event, sequence_number: this.sequence++ };
    return `event: ${event.type}\ndata: ${JSON.stringify(payload)}\n\n`;
  }
}
