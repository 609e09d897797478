import type { IrMessage, IrPart, IrToolResultPart } from '../ir/types.js';

/**
 * Gemini matches a `functionResponse` to its `functionCall` by name, and for several calls of one tool by their
 * order: the n-th response of a name answers the n-th call of that name. An agent that runs parallel calls sends
 * their results in the order they finished (Claude Code does: `sleep 1; echo one` and `echo two` come back as
 * two, one), which Gemini would read as each command having printed the other's output. So the results of a
 * user turn go back in the order of the calls they answer in the model turn before it.
 */
export function inCallOrder(message: IrMessage, modelTurn: IrMessage | undefined): Array<[IrPart, number]> {
  const indexed = message.content.map((part, index): [IrPart, number] => [part, index]);
  const calls = new Map<string, number>();
  for (const part of modelTurn?.content ?? []) if (part.type === 'tool_call') calls.set(part.id, calls.size);
  if (calls.size < 2) return indexed;
  const position = ([part]: [IrPart, number]) =>
    part.type === 'tool_result' ? (calls.get(part.toolCallId) ?? calls.size) : calls.size;
  // Array sort is stable: parts that answer no call of that turn (text, images) keep their order, after the results.
  return indexed.sort((a, b) => position(a) - position(b));
}

/**
 * The text of a tool result, its text blocks a paragraph apart as on the other upstreams (an MCP tool answers
 * with several; joined as they were, their words ran together), and a note where it holds only media (so
 * Gemini sees the call answered).
 */
export function resultText(part: IrToolResultPart): string {
  const texts = part.content.flatMap((item) => (item.type === 'text' ? [item.text] : []));
  const text = texts.join('\n\n');
  if (text !== '' || part.content.length === 0) return text;
  const images = part.content.every((item) => item.type === 'image');
  return `(the result is the ${images ? 'image' : 'file'} after the function responses)`;
}
