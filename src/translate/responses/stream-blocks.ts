import type { IrBlockStart, IrStreamEvent, IrTokenLogprob } from '../ir/types.js';
import { customInput } from './custom-tools.js';
import { eventLogprobs, functionCallItem, messageItem, outputText, reasoningItem } from './output-items.js';
import { envelopeForRedactedThinking, envelopeForThinking } from './reasoning-envelope.js';
import type { ClientToolName, ClientToolNames } from './tool-namespaces.js';
import type { ItemStatus, OutputItem, ResponsesStreamEvent } from './wire.js';

/** The IR events that add to an open block. */
export type BlockDelta = Extract<
  IrStreamEvent,
  { type: 'text_delta' | 'tool_args_delta' | 'thinking_delta' | 'signature_delta' }
>;

/**
 * One output item being streamed: the events that open it, grow it and close it, and the item as it stands
 * (for the final Response object). Empty deltas produce no events.
 */
export interface StreamBlock {
  readonly outputIndex: number;
  open(): ResponsesStreamEvent[];
  delta(event: BlockDelta): ResponsesStreamEvent[];
  close(status: ItemStatus): ResponsesStreamEvent[];
  snapshot(): OutputItem;
  /**
   * Text items only: adds a delta's text to the item and returns the serialised members that place an
   * `output_text.delta` event (`"item_id":…,"output_index":…,"content_index":0`), so the encoder can write the
   * event around the delta as the upstream quoted it.
   */
  appendText?(text: string): string;
}

export function openBlock(
  block: IrBlockStart,
  outputIndex: number,
  newId: (prefix: string) => string,
  toolNames: ClientToolNames,
): StreamBlock {
  switch (block.type) {
    case 'text':
      return new TextBlock(newId('msg_'), outputIndex);
    case 'tool_call':
      return new ToolCallBlock(newId('fc_'), outputIndex, block.id, toolNames(block.name));
    case 'thinking':
      return new ThinkingBlock(newId('rs_'), outputIndex);
    case 'redacted_thinking':
      return new RedactedThinkingBlock(newId('rs_'), outputIndex, block.data);
  }
}

class TextBlock implements StreamBlock {
  private text = '';
  /** Log probabilities of the tokens so far, when the upstream sends them. */
  private readonly logprobs: IrTokenLogprob[] = [];
  private status: ItemStatus = 'in_progress';
  private location: string | undefined;

  constructor(
    private readonly id: string,
    readonly outputIndex: number,
  ) {}

  open(): ResponsesStreamEvent[] {
    const ref = { item_id: this.id, output_index: this.outputIndex, content_index: 0 };
    return [
      { type: 'response.output_item.added', output_index: this.outputIndex, item: messageItem(this.id, 'in_progress') },
      { type: 'response.content_part.added', ...ref, part: outputText('') },
    ];
  }

  delta(event: BlockDelta): ResponsesStreamEvent[] {
    if (event.type !== 'text_delta' || event.text === '') return [];
    this.text += event.text;
    if (event.logprobs) this.logprobs.push(...event.logprobs);
    const ref = { item_id: this.id, output_index: this.outputIndex, content_index: 0 };
    const logprobs = eventLogprobs(event.logprobs);
    return [{ type: 'response.output_text.delta', ...ref, delta: event.text, logprobs }];
  }

  appendText(text: string): string {
    this.text += text;
    this.location ??= `"item_id":${JSON.stringify(this.id)},"output_index":${this.outputIndex},"content_index":0`;
    return this.location;
  }

  close(status: ItemStatus): ResponsesStreamEvent[] {
    this.status = status;
    const ref = { item_id: this.id, output_index: this.outputIndex, content_index: 0 };
    return [
      { type: 'response.output_text.done', ...ref, text: this.text, logprobs: eventLogprobs(this.logprobs) },
      { type: 'response.content_part.done', ...ref, part: outputText(this.text, this.logprobs) },
      { type: 'response.output_item.done', output_index: this.outputIndex, item: this.snapshot() },
    ];
  }

  snapshot(): OutputItem {
    return messageItem(this.id, this.status, this.text, this.logprobs);
  }
}

class ToolCallBlock implements StreamBlock {
  private args = '';
  private status: ItemStatus = 'in_progress';

  constructor(
    private readonly id: string,
    readonly outputIndex: number,
    private readonly callId: string,
    private readonly tool: ClientToolName,
  ) {}

  open(): ResponsesStreamEvent[] {
    return [{ type: 'response.output_item.added', output_index: this.outputIndex, item: this.snapshot() }];
  }

  delta(event: BlockDelta): ResponsesStreamEvent[] {
    if (event.type !== 'tool_args_delta' || event.json === '') return [];
    this.args += event.json;
    // A custom tool's input is a string inside the upstream's JSON arguments: it is given whole at the close.
    if (this.tool.custom) return [];
    return [
      {
        type: 'response.function_call_arguments.delta',
        item_id: this.id,
        output_index: this.outputIndex,
        delta: event.json,
      },
    ];
  }

  close(status: ItemStatus): ResponsesStreamEvent[] {
    this.status = status;
    const ref = { item_id: this.id, output_index: this.outputIndex };
    if (this.tool.custom) {
      const input = customInput(this.args);
      return [
        ...(input === '' ? [] : [{ type: 'response.custom_tool_call_input.delta' as const, ...ref, delta: input }]),
        { type: 'response.custom_tool_call_input.done', ...ref, input },
        { type: 'response.output_item.done', output_index: this.outputIndex, item: this.snapshot() },
      ];
    }
    return [
      { type: 'response.function_call_arguments.done', ...ref, arguments: this.args, name: this.tool.name },
      { type: 'response.output_item.done', output_index: this.outputIndex, item: this.snapshot() },
    ];
  }

  snapshot(): OutputItem {
    return functionCallItem(this.id, this.status, this.callId, this.tool, this.args);
  }
}

/** The summary part opens with the first words, so thinking that stays empty has an empty summary. */
class ThinkingBlock implements StreamBlock {
  private text = '';
  private signature: string | undefined;
  private closed = false;

  constructor(
    private readonly id: string,
    readonly outputIndex: number,
  ) {}

  open(): ResponsesStreamEvent[] {
    return [{ type: 'response.output_item.added', output_index: this.outputIndex, item: reasoningItem(this.id, '') }];
  }

  delta(event: BlockDelta): ResponsesStreamEvent[] {
    if (event.type === 'signature_delta') {
      this.signature = (this.signature ?? '') + event.signature;
      return [];
    }
    if (event.type !== 'thinking_delta' || event.text === '') return [];
    const ref = { item_id: this.id, output_index: this.outputIndex, summary_index: 0 };
    const opening: ResponsesStreamEvent[] =
      this.text === ''
        ? [{ type: 'response.reasoning_summary_part.added', ...ref, part: { type: 'summary_text', text: '' } }]
        : [];
    this.text += event.text;
    return [...opening, { type: 'response.reasoning_summary_text.delta', ...ref, delta: event.text }];
  }

  close(): ResponsesStreamEvent[] {
    this.closed = true;
    const ref = { item_id: this.id, output_index: this.outputIndex, summary_index: 0 };
    const summary: ResponsesStreamEvent[] =
      this.text === ''
        ? []
        : [
            { type: 'response.reasoning_summary_text.done', ...ref, text: this.text },
            { type: 'response.reasoning_summary_part.done', ...ref, part: { type: 'summary_text', text: this.text } },
          ];
    return [...summary, { type: 'response.output_item.done', output_index: this.outputIndex, item: this.snapshot() }];
  }

  snapshot(): OutputItem {
    const encrypted = this.closed ? envelopeForThinking(this.text, this.signature) : undefined;
    return reasoningItem(this.id, this.text, encrypted);
  }
}

class RedactedThinkingBlock implements StreamBlock {
  constructor(
    private readonly id: string,
    readonly outputIndex: number,
    private readonly data: string,
  ) {}

  open(): ResponsesStreamEvent[] {
    return [{ type: 'response.output_item.added', output_index: this.outputIndex, item: this.snapshot() }];
  }

  delta(): ResponsesStreamEvent[] {
    return [];
  }

  close(): ResponsesStreamEvent[] {
    return [{ type: 'response.output_item.done', output_index: this.outputIndex, item: this.snapshot() }];
  }

  snapshot(): OutputItem {
    return reasoningItem(this.id, '', envelopeForRedactedThinking(this.data));
  }
}
