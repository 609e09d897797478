import type { SseEvent } from '../../upstream/sse-parse.js';
import type { UpstreamStreamDecoder } from '../contract.js';
import type { IrStreamEvent, IrUsage } from '../ir/types.js';
import { textOfLiteral } from '../shared/json-string-literal.js';
import { contentOfPart } from './response-from-upstream.js';
import { failedFinishMessage, isFailedFinish, stopFromGemini } from './stop-reason.js';
import { TextChunkShape } from './text-chunk-shape.js';
import { googleErrorInfo } from './upstream-error.js';
import { usageFromGemini } from './usage.js';
import type { GeminiPart, GeminiResponseBody, GeminiUsageMetadata } from './wire-types.js';

/**
 * streamGenerateContent?alt=sse events -> IR stream events. Every event is a whole GenerateContentResponse
 * with the next parts: text parts extend the open text block, thought parts the open thinking block (a
 * thought's signature ends it), and a function call arrives whole, so it opens and closes its block at once.
 * usageMetadata is cumulative, so the last one counts. The stream has no end marker: the finishReason
 * finishes it, and a body that ends without one is an error.
 *
 * Most events of a stream are one text part and the running usage, the first and the last (with its finish
 * reason) included: those are recognised by their shape (TextChunkShape) and the text literal is copied into the
 * client's event as sent. The usage object is parsed only when it changed. Every other event (thoughts, calls, the finish, errors, safety ratings) goes through JSON.parse.
 */
export class GeminiStreamDecoder implements UpstreamStreamDecoder {
  private started = false;
  private done = false;
  private nextBlock = 0;
  private open: { index: number; kind: 'text' | 'thinking' } | undefined;
  private calls = 0;
  private usage: IrUsage | undefined;
  private finishReason: string | undefined;
  private finishMessage: string | undefined;
  /** The usageMetadata text of the last text chunk taken by shape, so an unchanged one is not parsed again. */
  private usageText: string | undefined;
  private readonly textChunks = new TextChunkShape();

  decode(event: SseEvent): IrStreamEvent[] {
    if (this.done) return [];
    const quoted = this.textChunks.literal(event.data);
    if (quoted !== undefined) return this.textChunk(quoted);
    const data = event.data.trim();
    if (data === '') return [];
    const chunk = JSON.parse(data) as GeminiResponseBody & { error?: Parameters<typeof googleErrorInfo>[0] };
    if (chunk.error) {
      this.done = true;
      const info = googleErrorInfo(chunk.error, chunk.error.code ?? 500);
      return [{ type: 'error', kind: info.kind, message: info.message }];
    }
    const events: IrStreamEvent[] = [];
    if (chunk.usageMetadata) {
      this.usage = usageFromGemini(chunk.usageMetadata);
      this.usageText = undefined;
    }
    this.begin(chunk.responseId, chunk.modelVersion, events);
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) this.part(part, chunk.responseId, events);
    if (candidate?.finishReason) {
      this.finishReason = candidate.finishReason;
      this.finishMessage = candidate.finishMessage;
    } else if (!candidate && chunk.promptFeedback?.blockReason) this.finishReason = 'SAFETY';
    return events;
  }

  /** The start event, for the stream's first event. */
  private begin(id: string | undefined, model: string | undefined, events: IrStreamEvent[]): void {
    if (this.started) return;
    this.started = true;
    events.push({
      type: 'start',
      id: id ?? '',
      model: model ?? '',
      ...(this.usage ? { usage: promptUsage(this.usage) } : {}),
    });
  }

  /** An event TextChunkShape took: its usage (when it changed), the start, the text, and a finish reason. */
  private textChunk(quoted: string): IrStreamEvent[] {
    const shape = this.textChunks;
    const usage = shape.usage;
    if (usage !== undefined && usage !== this.usageText) {
      this.usageText = usage;
      this.usage = usageFromGemini(JSON.parse(usage) as GeminiUsageMetadata);
    }
    const events: IrStreamEvent[] = [];
    this.begin(shape.responseId, shape.modelVersion, events);
    this.flowing('text', textOfLiteral(quoted), events, quoted);
    const finishReason = shape.finishReason;
    if (finishReason !== undefined) {
      this.finishReason = finishReason;
      this.finishMessage = undefined;
    }
    return events;
  }

  private part(part: GeminiPart, responseId: string | undefined, events: IrStreamEvent[]): void {
    const item = contentOfPart(part, responseId, this.calls);
    if (!item) return;
    if (item.type === 'tool_call') {
      this.close(events);
      this.calls++;
      const index = this.nextBlock++;
      events.push({ type: 'block_start', index, block: { type: 'tool_call', id: item.id, name: item.name } });
      events.push({ type: 'tool_args_delta', index, json: item.arguments });
      events.push({ type: 'block_stop', index });
      return;
    }
    if (item.type !== 'text' && item.type !== 'thinking') return;
    const index = this.flowing(item.type, item.text, events);
    if (item.type === 'thinking' && item.signature) {
      events.push({ type: 'signature_delta', index, signature: item.signature });
      this.close(events);
    }
  }

  /** Text or thought text into the open block of its kind (opened first when needed); its IR index. */
  private flowing(kind: 'text' | 'thinking', text: string, events: IrStreamEvent[], quoted?: string): number {
    if (this.open?.kind !== kind) {
      this.close(events);
      this.open = { index: this.nextBlock++, kind };
      events.push({ type: 'block_start', index: this.open.index, block: { type: kind } });
    }
    const index = this.open.index;
    if (text !== '') {
      events.push(
        kind === 'text' ? { type: 'text_delta', index, text, quoted } : { type: 'thinking_delta', index, text },
      );
    }
    return index;
  }

  private close(events: IrStreamEvent[]): void {
    if (!this.open) return;
    events.push({ type: 'block_stop', index: this.open.index });
    this.open = undefined;
  }

  end(): IrStreamEvent[] {
    if (this.done) return [];
    this.done = true;
    if (this.finishReason === undefined) {
      return [{ type: 'error', kind: 'upstream', message: 'the Gemini stream ended without a finish reason' }];
    }
    if (isFailedFinish(this.finishReason)) {
      // A failure after text went out (one in the first event fails the attempt before that): the stream's error.
      return [{ type: 'error', kind: 'upstream', message: failedFinishMessage(this.finishReason, this.finishMessage) }];
    }
    const events: IrStreamEvent[] = [];
    this.close(events);
    events.push({
      type: 'finish',
      stopReason: stopFromGemini(this.finishReason, this.calls > 0),
      usage: this.usage ?? usageFromGemini(undefined),
      ...(this.usage === undefined ? { usageMissing: true as const } : {}),
    });
    return events;
  }
}

/**
 * The prompt's share of the first event's usage, for the start event: Gemini reports the prompt's size in every
 * event, so a stream cut short (the client hung up, the upstream broke) is billed for the prompt as Gemini
 * counted it rather than as the gateway estimates it, as a Messages upstream's message_start allows.
 */
function promptUsage(usage: IrUsage): Partial<IrUsage> {
  return { inputTokens: usage.inputTokens, cacheReadTokens: usage.cacheReadTokens };
}
