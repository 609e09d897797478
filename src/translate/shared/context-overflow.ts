import type { UpstreamErrorInfo } from '../contract.js';

/**
 * A request too long for the model's context window, in each provider's words: OpenAI's and vLLM's "maximum
 * context length", Anthropic's "prompt is too long", Gemini's "The input token count (N) exceeds the maximum
 * number of tokens allowed (M)", Bedrock's "Input is too long for requested model" and "input length and
 * `max_tokens` exceed context limit".
 *
 * The agents react to an overflow only when they recognise it: Codex (and other OpenAI-dialect clients) by
 * OpenAI's code `context_length_exceeded` (it tells the user the context window is full rather than showing a
 * raw 400), Claude Code by a message that starts "prompt is too long". So an overflow gets both, the
 * provider's own words kept after the prefix.
 */
const CONTEXT_OVERFLOW =
  /prompt is too long|maximum context length|context[ _]length|context window|too many tokens|exceeds the maximum number of tokens|input is too long|exceed context limit/i;

const ANTHROPIC_OVERFLOW_PREFIX = 'prompt is too long: ';

export function isContextOverflow(message: string): boolean {
  return CONTEXT_OVERFLOW.test(message);
}

/** An invalid request that overflowed the context, given the code and wording the agents recognise. */
export function withOverflowWording(info: UpstreamErrorInfo): UpstreamErrorInfo {
  if (info.kind !== 'invalid_request' && info.kind !== 'payload_too_large') return info;
  if (info.code !== 'context_length_exceeded' && !isContextOverflow(info.message)) return info;
  const message = /^prompt is too long/i.test(info.message) ? info.message : ANTHROPIC_OVERFLOW_PREFIX + info.message;
  return { ...info, message, code: 'context_length_exceeded' };
}
