import type { IrStopReason } from '../ir/types.js';

const STOP_REASONS: Readonly<Record<string, IrStopReason>> = {
  end_turn: 'end_turn',
  tool_use: 'tool_use',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
  model_context_window_exceeded: 'model_context_window_exceeded',
};

/**
 * Stops that mean the answer is broken, not finished (Converse's StopReason): `malformed_tool_use` (the model
 * wrote a tool call that does not parse or fit its schema; the call is not a usable part of the answer) and
 * `malformed_model_output`. No dialect has a stop reason for them, and "end of turn" would hand an agent an
 * answer that stops short of the call it meant to make (Claude Code then ends its run as if done). So they are
 * the upstream's failure, as Gemini's MALFORMED_FUNCTION_CALL is (gemini/stop-reason.ts): a 502 that routing
 * retries and falls back from while nothing has reached the client, else the stream's error event.
 */
const FAILED = new Set(['malformed_tool_use', 'malformed_model_output']);

/** Whether a Converse stopReason says the answer is a failure (see FAILED). */
export function isFailedStop(stopReason: string | undefined): boolean {
  return stopReason !== undefined && FAILED.has(stopReason);
}

export function failedStopMessage(stopReason: string): string {
  return `Bedrock ended the answer with stopReason ${stopReason}`;
}

const STOP_REASON = /"stopReason":\s*"([a-z_]+)"/;

/**
 * The failure a whole Converse answer reports in its stopReason, or undefined: read before the answer is
 * accepted, so a malformed tool call is retried or fallen back from like a 5xx. One regular-expression search.
 * (A stream's stopReason comes in messageStop, after the content: the stream decoder turns it into an error.)
 */
export function bedrockFailedAnswer(data: Buffer | string): string | undefined {
  // Both failed stops start so: an answer without it (nearly all) is passed by one native search, not decoded.
  if (data.indexOf('malformed_') === -1) return undefined;
  const text = typeof data === 'string' ? data : data.toString('utf8');
  const reason = STOP_REASON.exec(text)?.[1];
  return isFailedStop(reason) ? failedStopMessage(reason as string) : undefined;
}

/**
 * Converse's stopReason in IR terms, squared with the answer: Converse sometimes closes a turn that called a
 * tool with `end_turn`, and a text-only turn with `tool_use` (seen on Bedrock; agent SDKs built on Converse
 * repair both). Taken as said, an Anthropic or Chat client's tool loop stops short of a call, or Claude Code
 * asks the model again after an answer that was complete. A turn that called tools is tool use (as the Gemini
 * and Chat decoders read it), and one that called none is not.
 */
export function stopFromBedrock(stopReason: string | undefined, calledTools: boolean): IrStopReason {
  const stop = (stopReason ? STOP_REASONS[stopReason] : undefined) ?? 'end_turn';
  if (stop === 'end_turn' && calledTools) return 'tool_use';
  if (stop === 'tool_use' && !calledTools) return 'end_turn';
  return stop;
}

/** Where Claude's answer names the stop sequence that ended it, as a Converse JSON Pointer. */
export const STOP_SEQUENCE_PATH = '/stop_sequence';

/** The matched stop sequence, from the `additionalModelResponseFields` a Converse answer or messageStop carries. */
export function stopSequenceFromBedrock(fields: Record<string, unknown> | undefined): string | undefined {
  const sequence = fields?.stop_sequence;
  return typeof sequence === 'string' ? sequence : undefined;
}
