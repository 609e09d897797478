import type { IrRequest, IrTextPart } from '../ir/types.js';

/**
 * The system prompt, then instructions given in the middle of the conversation, in order: for upstreams whose
 * system prompt is one field outside the turns (Anthropic, Bedrock Converse, Gemini).
 */
export function systemTexts(request: IrRequest): IrTextPart[] {
  const later = request.messages.filter((message) => message.role === 'system').flatMap((message) => message.content);
  return [...request.system, ...later.filter((part): part is IrTextPart => part.type === 'text')];
}
