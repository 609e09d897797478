import type { GeminiContent } from './wire-types.js';

/**
 * Gemini 3 refuses a conversation whose function-calling step comes back without a thought signature. A call
 * that Gemini made carries its signature in the tool call id (tool-call-id.ts), but a call another model made
 * has none: a fallback from Claude or GPT to Gemini in the middle of an agent's tool loop, or a session that
 * switches models. Google documents a sentinel for exactly this case (a history transferred from another model
 * or a call the client made up), which tells the validator to skip the step:
 * https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export const FOREIGN_CALL_SIGNATURE = 'skip_thought_signature_validator';

/** Gemini 1.x and 2.x do not validate signatures; for them the sentinel is not sent. */
const BEFORE_GEMINI_3 = /(^|\/)gemini-[12](\.|-|$)/;

export function validatesSignatures(upstreamModel: string): boolean {
  return !BEFORE_GEMINI_3.test(upstreamModel);
}

/**
 * Gives the first function call of each model turn that has no signature at all the sentinel. Only the first
 * call of a step carries a signature when Gemini makes parallel calls, so a turn with any signature is its own.
 */
export function signForeignCalls(contents: GeminiContent[]): void {
  for (const content of contents) {
    if (content.role !== 'model') continue;
    const calls = content.parts.filter((part) => part.functionCall !== undefined);
    if (calls.some((part) => part.thoughtSignature !== undefined)) continue;
    const first = calls[0];
    if (first) first.thoughtSignature = FOREIGN_CALL_SIGNATURE;
  }
}
