import type { IrStopReason } from '../ir/types.js';

/**
 * Stops imposed by Google's content policy on what was asked or generated: every client dialect has a word for
 * that (OpenAI's `content_filter`, Anthropic's `refusal`, a Responses answer `incomplete` for `content_filter`),
 * and the text generated before the stop is the client's to keep. LANGUAGE (a language the model does not serve)
 * belongs here too: the provider, not the model, ended the turn, which a plain stop would hide.
 */
const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'LANGUAGE',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * Stops that mean the answer is broken, not finished; no dialect has a stop reason for them, so they are the
 * upstream's failure and reach the client as an error (502, or the stream's error event):
 * - MALFORMED_FUNCTION_CALL: the model wrote a function call that does not parse or fit its declaration; the
 *   call is not in the answer, so "stop" would hand the client an empty turn. Sampling differs per try, so it is
 *   a server error that routing retries and falls back from while nothing has reached the client.
 * - UNEXPECTED_TOOL_CALL: a call to a tool that was not declared (or with calling off); the same.
 * - TOO_MANY_TOOL_CALLS: Google ended a run of consecutive calls; the turn is cut, not done.
 * - OTHER, IMAGE_OTHER, NO_IMAGE: Google's "stopped for another reason": nothing says the text is complete.
 * A later reason Google adds is taken as the end of the turn, as STOP and FINISH_REASON_UNSPECIFIED are.
 */
const FAILED = new Set([
  'MALFORMED_FUNCTION_CALL',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'OTHER',
  'IMAGE_OTHER',
  'NO_IMAGE',
]);

/** Whether a finishReason says the answer is a failure (see FAILED), not a stop a client dialect can express. */
export function isFailedFinish(finishReason: string | undefined): boolean {
  return finishReason !== undefined && FAILED.has(finishReason);
}

/**
 * The error message for a failed finish: the reason's name, and only the length of Google's explanation. Its
 * finishMessage quotes the model's output (a MALFORMED_FUNCTION_CALL's is the malformed call itself), and this
 * message goes where content never does: the request record, the attempt's error, the breaker's reason shown
 * by /status and logged (docs/security.md, "Upstream text in records and logs").
 */
export function failedFinishMessage(finishReason: string, finishMessage: string | undefined): string {
  const explained =
    typeof finishMessage === 'string' && finishMessage !== ''
      ? ` (its finishMessage of ${finishMessage.length} characters not kept: it quotes the model's output)`
      : '';
  return `Gemini ended the answer with finishReason ${finishReason}${explained}`;
}

/**
 * Gemini's finishReason in IR terms; a turn that called functions is tool use whatever it says. CONTINUATION
 * (the per-request output limit reached, generation not complete) is the output limit of every dialect.
 * Failed finishes (isFailedFinish) are the caller's to turn into an error before asking this.
 */
export function stopFromGemini(finishReason: string | undefined, calledTools: boolean): IrStopReason {
  if (finishReason === 'MAX_TOKENS' || finishReason === 'CONTINUATION') return 'max_tokens';
  if (finishReason && FILTERED.has(finishReason)) return 'content_filter';
  return calledTools ? 'tool_use' : 'end_turn';
}

const FINISH_REASON = /"finishReason":\s*"([A-Z_]+)"/;
/** A candidate in `candidates` (a quoted key cannot occur inside a JSON string, whose quotes are escaped). */
const CANDIDATE = /"candidates"\s*:\s*\[\s*\{/;
const BLOCK_REASON = /"blockReason"\s*:/;

/**
 * The failure a 2xx Gemini body (or a stream's first event) reports in its finishReason, or its lack of any
 * candidate without a block reason, or undefined: read before the attempt is accepted, so a malformed function
 * call is retried or fallen back from like a 5xx instead of reaching the client as an empty "stop". One
 * regular-expression search of the text.
 */
export function geminiFailedAnswer(data: Buffer | string): string | undefined {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  // An answer, or a stream's first event, without a candidate that is no blocked prompt: nothing was generated,
  // and nothing says why, so no empty stop either. Caught in the first event, the attempt fails before any byte
  // reaches the client (a fallback can answer); later, the stream ends "without a finish reason", an error event.
  // A blocked prompt (promptFeedback.blockReason) is the content filter's stop, streamed or not.
  if (!CANDIDATE.test(text) && !BLOCK_REASON.test(text)) {
    return 'Gemini answered with no candidate and no block reason';
  }
  const reason = FINISH_REASON.exec(text)?.[1];
  if (!isFailedFinish(reason)) return undefined;
  const message = /"finishMessage":\s*("(?:[^"\\]|\\.)*")/.exec(text)?.[1];
  let explained: string | undefined;
  try {
    explained = message ? (JSON.parse(message) as string) : undefined;
  } catch {
    explained = undefined;
  }
  return failedFinishMessage(reason as string, explained);
}
