import { errors } from '../../errors/codes.js';
import type { IrResponse } from '../ir/types.js';
import { failedFinishMessage, isFailedFinish, stopFromGemini } from './stop-reason.js';
import { geminiToolCallId, toolCallBase } from './tool-call-id.js';
import { usageFromGemini } from './usage.js';
import type { GeminiPart, GeminiResponseBody } from './wire-types.js';

type Content = IrResponse['content'][number];

/** One Gemini part as IR content; `calls` numbers the function calls of the answer. */
export function contentOfPart(part: GeminiPart, responseId: string | undefined, calls: number): Content | undefined {
  if (part.functionCall) {
    const base = part.functionCall.id || toolCallBase(responseId, calls);
    return {
      type: 'tool_call',
      id: geminiToolCallId(base, part.thoughtSignature),
      name: part.functionCall.name,
      arguments: JSON.stringify(part.functionCall.args ?? {}),
    };
  }
  if (typeof part.text !== 'string') return undefined;
  // A thought's signature is not kept: Gemini takes no thought text back (only a function call's signature,
  // which its tool call id carries), and handed to a client as a thinking signature it would be sent to a Claude
  // model on a later turn (a `/model` switch, a fallback), which refuses a signature it did not issue.
  if (part.thought) return { type: 'thinking', text: part.text };
  return { type: 'text', text: part.text };
}

/**
 * A generateContent answer as IR. Adjacent text parts join into one block; a prompt blocked before any
 * candidate (promptFeedback.blockReason) is an empty answer stopped by the content filter.
 */
export function decodeGeminiResponse(body: unknown): IrResponse {
  if (body === null || typeof body !== 'object') throw errors.upstreamFailed('Gemini answered without an object', 502);
  const response = body as GeminiResponseBody;
  const candidate = response.candidates?.[0];
  const content: Content[] = [];
  let calls = 0;
  for (const part of candidate?.content?.parts ?? []) {
    const item = contentOfPart(part, response.responseId, calls);
    if (!item) continue;
    if (item.type === 'tool_call') calls++;
    const previous = content.at(-1);
    if (item.type === 'text' && previous?.type === 'text') previous.text += item.text;
    else content.push(item);
  }
  // Normally caught when the answer is read ahead (geminiFailedAnswer); this is for an answer too long for that.
  if (candidate && isFailedFinish(candidate.finishReason)) {
    throw errors.upstreamFailed(failedFinishMessage(candidate.finishReason as string, candidate.finishMessage), 502);
  }
  const blocked = !candidate && response.promptFeedback?.blockReason !== undefined;
  return {
    id: response.responseId ?? '',
    model: response.modelVersion ?? '',
    content,
    stopReason: blocked ? 'content_filter' : stopFromGemini(candidate?.finishReason, calls > 0),
    usage: usageFromGemini(response.usageMetadata),
  };
}
