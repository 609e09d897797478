import type { IrStopReason } from '../ir/types.js';

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

/** Gemini's finishReason in IR terms; a turn that called functions is tool use whatever it says. */
export function stopFromGemini(finishReason: string | undefined, calledTools: boolean): IrStopReason {
  if (finishReason === 'MAX_TOKENS') return 'max_tokens';
  if (finishReason && FILTERED.has(finishReason)) return 'content_filter';
  return calledTools ? 'tool_use' : 'end_turn';
}
