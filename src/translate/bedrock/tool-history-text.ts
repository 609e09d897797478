import type { IrMessage, IrPart, IrRequest } from '../ir/types.js';

/**
 * Converse refuses toolUse and toolResult blocks unless the request declares tools ("The toolConfig field must
 * be defined when using toolUse and toolResult content blocks"), and it cannot be told not to call declared
 * tools. A request whose conversation holds calls and results but declares no tools — Codex's compaction turn
 * (summarise the session so far), or a client's last turn that asks for an answer without tools — therefore
 * has its calls and results written as text in their turns: the model reads what was called with which
 * arguments and what came back, and can call nothing. Images and files in a result stay as they are, after
 * its text.
 */
export function withToolHistoryAsText(request: IrRequest): IrRequest {
  if (request.tools.length > 0 || !request.messages.some(holdsToolParts)) return request;
  return { ...request, messages: request.messages.map(asText) };
}

function holdsToolParts(message: IrMessage): boolean {
  return message.content.some((part) => part.type === 'tool_call' || part.type === 'tool_result');
}

function asText(message: IrMessage): IrMessage {
  if (!holdsToolParts(message)) return message;
  return { ...message, content: message.content.flatMap(partAsText) };
}

function partAsText(part: IrPart): IrPart[] {
  if (part.type === 'tool_call') {
    return [{ type: 'text', text: `[Tool call ${part.id}: ${part.name} ${part.arguments}]` }];
  }
  if (part.type !== 'tool_result') return [part];
  const status = part.isError ? ' (error)' : '';
  const texts = part.content.flatMap((item) => (item.type === 'text' ? [item.text] : []));
  const media = part.content.filter((item) => item.type !== 'text');
  return [{ type: 'text', text: [`[Tool result ${part.toolCallId}${status}]`, ...texts].join('\n') }, ...media];
}
