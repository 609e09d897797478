import type { SseEvent } from '../../upstream/sse-parse.js';
import type { UpstreamStreamDecoder } from '../contract.js';
import type { IrStreamEvent, IrUsage } from '../ir/types.js';
import { contentOfPart } from './response-from-upstream.js';
import { stopFromGemini } from './stop-reason.js';
import { googleErrorInfo } from './upstream-error.js';
import { usageFromGemini } from './usage.js';
import type { GeminiPart, GeminiResponseBody } from './wire-types.js';

/**
 * streamGenerateContent?alt=sse events -> IR stream events. Every event is a whole GenerateContentResponse
 * with the next parts: text parts extend the open text block, thought parts the open thinking block (a
 * thought's signature ends it), and a function call arrives whole, so it opens and closes its block at once.
 * usageMetadata is cumulative, so the last one counts. The stream has no end marker: the finishReason
 * finishes it, and a body that ends without one is an error.
 */
export class GeminiStreamDecoder implements UpstreamStreamDecoder {
  private started = false;
  private done = false;
  private nextBlock = 0;
  private open: { index: number; kind: 'text' | 'thinking' } | undefined;
  private calls = 0;
  private usage: IrUsage | undefined;
  private finishReason: string | undefined;

  decode(event: SseEvent): IrStreamEvent[] {
    if (this.done) return [];
    const data = event.data.trim();
    if (data === '') return [];
    const chunk = JSON.parse(data) as GeminiResponseBody & { error?: Parameters<typeof googleErrorInfo>[0] };
    if (chunk.error) {
      this.done = true;
      const info = googleErrorInfo(chunk.error, chunk.error.code ?? 500);
      return [{ type: 'error', kind: info.kind, message: info.message }];
    }
    const events: IrStreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      events.push({ type: 'start', id: chunk.responseId ?? '', model: chunk.modelVersion ?? '' });
    }
    if (chunk.usageMetadata) this.usage = usageFromGemini(chunk.usageMetadata);
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) this.part(part, chunk.responseId, events);
    if (candidate?.finishReason) this.finishReason = candidate.finishReason;
    else if (!candidate && chunk.promptFeedback?.blockReason) this.finishReason = 'SAFETY';
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
    const kind = item.type;
    if (this.open?.kind !== kind) {
      this.close(events);
      this.open = { index: this.nextBlock++, kind };
      events.push({ type: 'block_start', index: this.open.index, block: { type: kind } });
    }
    const index = this.open.index;
    if (item.text !== '') {
      events.push(
        kind === 'text'
          ? { type: 'text_delta', index, text: item.text }
          : { type: 'thinking_delta', index, text: item.text },
      );
    }
    if (item.type === 'thinking' && item.signature) {
      events.push({ type: 'signature_delta', index, signature: item.signature });
      this.close(events);
    }
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
    const events: IrStreamEvent[] = [];
    this.close(events);
    events.push({
      type: 'finish',
      stopReason: stopFromGemini(this.finishReason, this.calls > 0),
      usage: this.usage ?? usageFromGemini(undefined),
    });
    return events;
  }
}
