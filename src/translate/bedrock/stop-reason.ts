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

/** Where Claude's answer names the stop sequence that ended it, as a Converse JSON Pointer. */
export const STOP_SEQUENCE_PATH = '/stop_sequence';

/** The matched stop sequence, from the `additionalModelResponseFields` a Converse answer or messageStop carries. */
export function stopSequenceFromBedrock(fields: Record<string, unknown> | undefined): string | undefined {
  const sequence = fields?.stop_sequence;
  return typeof sequence === 'string' ? sequence : undefined;
}
