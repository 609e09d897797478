import type { IrStopReason } from '../ir/types.js';

const STOP_REASONS: Readonly<Record<string, IrStopReason>> = {
  end_turn: 'end_turn',
  tool_use: 'tool_use',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
  model_context_window_exceeded: 'max_tokens',
};

export function stopFromBedrock(stopReason: string | undefined): IrStopReason {
  return (stopReason ? STOP_REASONS[stopReason] : undefined) ?? 'end_turn';
}
