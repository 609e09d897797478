import type { SseEvent } from '../../upstream/sse-parse.js';
import type { UpstreamStreamDecoder } from '../contract.js';
import type { IrStreamEvent, IrUsage } from '../ir/types.js';
import { JSON_STRING_LITERAL, textOfLiteral } from '../shared/json-string-literal.js';
import { failedStopMessage, isFailedStop, stopFromBedrock, stopSequenceFromBedrock } from './stop-reason.js';
import { bedrockErrorInfo } from './upstream-error.js';
import { usageFromBedrock } from './usage.js';
import type { BedrockUsage } from './wire-types.js';

interface Delta {
  text?: string;
  toolUse?: { input?: string };
  reasoningContent?: { text?: string; signature?: string; redactedContent?: string };
}

interface Payload {
  contentBlockIndex?: number;
  start?: { toolUse?: { toolUseId: string; name: string } };
  delta?: Delta;
  stopReason?: string;
  additionalModelResponseFields?: Record<string, unknown>;
  usage?: BedrockUsage;
  message?: string;
}

/**
 * ConverseStream events (event-stream messages, handed over as {event: type, data: payload}) -> IR stream
 * events. Bedrock numbers blocks itself; a text or reasoning block has no start event, so its first delta
 * opens it. messageStop carries the stop reason and the metadata event after it the usage, so `finish` waits
 * for metadata (or the end of the body). An exception message ends the stream with an error, as does a stop
 * reason saying the answer is broken (malformed_tool_use, malformed_model_output: stop-reason.ts). A text delta in
 * the form Bedrock writes it (TEXT_DELTA, most of a stream) is recognised by its shape and its text literal
 * copied into the client's event as sent; every other payload goes through JSON.parse.
 */
export class BedrockStreamDecoder implements UpstreamStreamDecoder {
  private started = false;
  private done = false;
  /** Bedrock's block index -> the IR block index, for the blocks that are open. */
  private readonly open = new Map<number, number>();
  private nextBlock = 0;
  private calledTools = false;
  private stopReason: string | undefined;
  private stopSequence: string | undefined;
  private usage: IrUsage | undefined;

  /** `upstreamModel`: the model the stream was asked of; ConverseStream never names it. */
  constructor(private readonly upstreamModel: string) {}

  decode(event: SseEvent): IrStreamEvent[] {
    if (this.done) return [];
    const type = event.event ?? '';
    const textDelta = this.started && type === 'contentBlockDelta' ? TEXT_DELTA.exec(event.data) : null;
    if (textDelta) return this.quotedText(Number(textDelta[1]), textDelta[2] as string);
    const payload = JSON.parse(event.data || '{}') as Payload;
    if (type.startsWith('exception:')) {
      this.done = true;
      const info = bedrockErrorInfo(type.slice('exception:'.length), payload.message ?? 'Bedrock stream failed', 500);
      return [{ type: 'error', kind: info.kind, message: info.message }];
    }
    const events: IrStreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      events.push({ type: 'start', id: '', model: this.upstreamModel });
    }
    switch (type) {
      case 'contentBlockStart':
        this.startBlock(payload, events);
        break;
      case 'contentBlockDelta':
        this.delta(payload, events);
        break;
      case 'contentBlockStop':
        this.stopBlock(payload.contentBlockIndex ?? 0, events);
        break;
      case 'messageStop':
        for (const index of [...this.open.keys()]) this.stopBlock(index, events);
        this.stopReason = payload.stopReason ?? 'end_turn';
        this.stopSequence = stopSequenceFromBedrock(payload.additionalModelResponseFields);
        break;
      case 'metadata':
        this.usage = usageFromBedrock(payload.usage);
        if (this.stopReason !== undefined) events.push(...this.finish());
        break;
    }
    return events;
  }

  private startBlock(payload: Payload, events: IrStreamEvent[]): void {
    const toolUse = payload.start?.toolUse;
    if (!toolUse) return;
    const index = this.nextBlock++;
    this.calledTools = true;
    this.open.set(payload.contentBlockIndex ?? 0, index);
    events.push({
      type: 'block_start',
      index,
      block: { type: 'tool_call', id: toolUse.toolUseId, name: toolUse.name },
    });
  }

  /** The IR index of an open block, opening a text or thinking block on its first delta. */
  private blockFor(bedrockIndex: number, kind: 'text' | 'thinking', events: IrStreamEvent[]): number {
    const known = this.open.get(bedrockIndex);
    if (known !== undefined) return known;
    const index = this.nextBlock++;
    this.open.set(bedrockIndex, index);
    events.push({ type: 'block_start', index, block: { type: kind } });
    return index;
  }

  private delta(payload: Payload, events: IrStreamEvent[]): void {
    const at = payload.contentBlockIndex ?? 0;
    const delta = payload.delta ?? {};
    if (delta.text !== undefined) {
      events.push({ type: 'text_delta', index: this.blockFor(at, 'text', events), text: delta.text });
    } else if (delta.toolUse) {
      const index = this.open.get(at);
      if (index !== undefined) events.push({ type: 'tool_args_delta', index, json: delta.toolUse.input ?? '' });
    } else if (delta.reasoningContent) {
      const reasoning = delta.reasoningContent;
      if (reasoning.redactedContent !== undefined && !this.open.has(at)) {
        const index = this.nextBlock++;
        this.open.set(at, index);
        events.push({
          type: 'block_start',
          index,
          block: { type: 'redacted_thinking', data: reasoning.redactedContent },
        });
        return;
      }
      const index = this.blockFor(at, 'thinking', events);
      if (reasoning.text !== undefined) events.push({ type: 'thinking_delta', index, text: reasoning.text });
      if (reasoning.signature !== undefined)
        events.push({ type: 'signature_delta', index, signature: reasoning.signature });
    }
  }

  private quotedText(at: number, quoted: string): IrStreamEvent[] {
    const events: IrStreamEvent[] = [];
    const index = this.blockFor(at, 'text', events);
    events.push({ type: 'text_delta', index, text: textOfLiteral(quoted), quoted });
    return events;
  }

  private stopBlock(bedrockIndex: number, events: IrStreamEvent[]): void {
    const index = this.open.get(bedrockIndex);
    if (index === undefined) return;
    this.open.delete(bedrockIndex);
    events.push({ type: 'block_stop', index });
  }

  private finish(): IrStreamEvent[] {
    this.done = true;
    if (isFailedStop(this.stopReason)) {
      return [{ type: 'error', kind: 'upstream', message: failedStopMessage(this.stopReason as string) }];
    }
    const stopReason = stopFromBedrock(this.stopReason, this.calledTools);
    return [
      {
        type: 'finish',
        stopReason,
        ...(stopReason === 'stop_sequence' && this.stopSequence !== undefined
          ? { stopSequence: this.stopSequence }
          : {}),
        usage: this.usage ?? usageFromBedrock(undefined),
        // messageStop came but the metadata event after it did not (the body ended): no usage to report.
        ...(this.usage === undefined ? { usageMissing: true as const } : {}),
      },
    ];
  }

  end(): IrStreamEvent[] {
    if (this.done) return [];
    if (this.stopReason !== undefined) return this.finish();
    this.done = true;
    return [{ type: 'error', kind: 'upstream', message: 'the Bedrock stream ended without messageStop' }];
  }
}

/**
 * `{"contentBlockIndex":N,"delta":{"text":"…"},"p":"…"}`: group 1 the index, 2 the text literal. `p` is the
 * padding Bedrock adds to hide the length of the text; it is letters and digits only.
 */
const TEXT_DELTA = new RegExp(
  String.raw`^\{"contentBlockIndex":(\d{1,9}),"delta":\{"text":(${JSON_STRING_LITERAL})\}(?:,"p":"[A-Za-z0-9]*")?\}$`,
);
