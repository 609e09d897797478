import type { IrStopReason } from '../ir/types.js';
import type { ChatFinishReason } from './wire.js';

/**
 * Chat has four finish reasons. On the way out, an Anthropic `refusal` reads as `content_filter` (the model
 * declined; the text it wrote stays in `content`), and `stop_sequence` / `pause_turn` read as `stop`, and a filled context window as `length`: Chat has
 * no field saying which sequence matched, nor a notion of a paused server-tool turn.
 */
const FINISH_FOR_STOP: Record<IrStopReason, ChatFinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  content_filter: 'content_filter',
  refusal: 'content_filter',
};

export function finishReasonFor(stopReason: IrStopReason): ChatFinishReason {
  return FINISH_FOR_STOP[stopReason];
}

/**
 * DeepSeek's finish reason for an answer it cut short because its servers ran out of capacity: not an end of
 * turn, so the other dialects get it as an `overloaded` failure instead of a truncated answer that looks whole.
 */
export const OUT_OF_CAPACITY = 'insufficient_system_resource';

export const OUT_OF_CAPACITY_MESSAGE =
  'the upstream stopped the answer early for lack of capacity (finish_reason insufficient_system_resource)';

export interface DecodedStop {
  stopReason: IrStopReason;
  stopSequence?: string | undefined;
}

/**
 * Reads an upstream `finish_reason`. `function_call` is the legacy name of `tool_calls`. vLLM reports the
 * matched stop string as the choice's `stop_reason`, which makes a `stop` a `stop_sequence`. Reasons outside
 * the standard set (servers invent their own, e.g. `eos`) read as an ordinary end of turn.
 */
export function stopFromFinishReason(finishReason: string, matchedStop?: unknown): DecodedStop {
  switch (finishReason) {
    case 'length':
      return { stopReason: 'max_tokens' };
    case 'tool_calls':
    case 'function_call':
      return { stopReason: 'tool_use' };
    case 'content_filter':
      return { stopReason: 'content_filter' };
    default:
      if (finishReason === 'stop' && typeof matchedStop === 'string' && matchedStop !== '') {
        return { stopReason: 'stop_sequence', stopSequence: matchedStop };
      }
      return { stopReason: 'end_turn' };
  }
}

/**
 * The stop of a turn, squared with whether it called tools. OpenAI itself answers `stop` when a named
 * tool_choice forced the call, and vLLM and Ollama do for every call, but an Anthropic client's agent loop runs
 * the tools only on `tool_use`, which Anthropic reports whenever a turn ends in tool calls. The other way, a
 * server whose tool-call parser failed answers `tool_calls` with no call: taken as tool use, Claude Code asks
 * the model again after an answer that was complete, so a turn without calls is the end of the turn.
 */
export function stopWithToolCalls(stop: DecodedStop, calledTools: boolean): DecodedStop {
  if (calledTools && stop.stopReason === 'end_turn') return { stopReason: 'tool_use' };
  if (!calledTools && stop.stopReason === 'tool_use') return { stopReason: 'end_turn' };
  return stop;
}
