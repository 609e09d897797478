import type { IrStopReason } from '../ir/types.js';
import type { IncompleteDetails } from './wire.js';

/**
 * How a finished response reads in Responses terms. Responses has only `completed` and `incomplete` (with
 * `max_output_tokens` or `content_filter` as the reason), so an Anthropic `refusal` (its safety classifier
 * stopped the answer) reads as incomplete for content_filter, and `pause_turn` as completed: the turn the
 * upstream paused is over as far as the client can act on it. A filled context window is incomplete for
 * `max_output_tokens`, the only "out of room" reason Responses has.
 */
export interface Outcome {
  status: 'completed' | 'incomplete';
  incompleteDetails: IncompleteDetails | null;
}

const OUTCOMES: Readonly<Record<IrStopReason, Outcome>> = {
  end_turn: { status: 'completed', incompleteDetails: null },
  stop_sequence: { status: 'completed', incompleteDetails: null },
  tool_use: { status: 'completed', incompleteDetails: null },
  pause_turn: { status: 'completed', incompleteDetails: null },
  max_tokens: { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } },
  model_context_window_exceeded: { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } },
  content_filter: { status: 'incomplete', incompleteDetails: { reason: 'content_filter' } },
  refusal: { status: 'incomplete', incompleteDetails: { reason: 'content_filter' } },
};

export function outcomeOf(stopReason: IrStopReason): Outcome {
  const outcome = OUTCOMES[stopReason];
  return { status: outcome.status, incompleteDetails: outcome.incompleteDetails && { ...outcome.incompleteDetails } };
}
