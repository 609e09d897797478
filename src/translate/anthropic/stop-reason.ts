import type { IrStopReason } from '../ir/types.js';
import type { AnthropicStopReason } from './wire-types.js';

const FROM_ANTHROPIC: Record<AnthropicStopReason, IrStopReason> = {
  end_turn: 'end_turn',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  tool_use: 'tool_use',
  pause_turn: 'pause_turn',
  refusal: 'refusal',
  // Kept as said: each client dialect's encoder reads it as its own "out of room" (Chat `length`).
  model_context_window_exceeded: 'model_context_window_exceeded',
};

/** Anthropic `stop_reason` -> IR; a missing or unknown reason reads as a normal end of turn. */
export function stopReasonFromAnthropic(reason: unknown): IrStopReason {
  if (typeof reason === 'string' && Object.hasOwn(FROM_ANTHROPIC, reason)) {
    return FROM_ANTHROPIC[reason as AnthropicStopReason];
  }
  return 'end_turn';
}

/** IR -> Anthropic `stop_reason`; a content filter stop is Anthropic's `refusal` (its safety stop). */
export function stopReasonToAnthropic(reason: IrStopReason): AnthropicStopReason {
  return reason === 'content_filter' ? 'refusal' : reason;
}
