import { errors } from '../../errors/codes.js';
import type { IrResponse, IrStopReason, IrToolCallPart } from '../ir/types.js';
import { isObject, type JsonObject } from './field-readers.js';
import { logprobsOf } from './logprobs.js';
import {
  type DecodedStop,
  OUT_OF_CAPACITY,
  OUT_OF_CAPACITY_MESSAGE,
  stopFromFinishReason,
  stopWithToolCalls,
} from './stop-reason.js';
import { argumentsOf, objectField, reasoningOf, stringField, textOf } from './upstream-message-fields.js';
import { usageFromChat, zeroUsage } from './usage.js';

/**
 * A `chat.completion` body -> IR response: reasoning first (as unsigned thinking), then text, then tool
 * calls (empty arguments read as `{}`, a call without parameters). A `refusal` becomes text with stop reason `refusal`; a `stop` after tool calls is tool use. Only the first choice is read: the builder
 * never asks for more than one.
 */

function toolCalls(message: JsonObject): IrToolCallPart[] {
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  return calls.filter(isObject).map((call, index) => {
    const fn = objectField(call, 'function');
    return {
      type: 'tool_call',
      id: stringField(call, 'id') ?? `call_${index}`,
      name: stringField(fn, 'name') ?? '',
      arguments: argumentsOf(fn).trim() === '' ? '{}' : argumentsOf(fn),
    };
  });
}

function stopOf(choice: JsonObject, refused: boolean, calledTools: boolean): DecodedStop {
  if (refused) return { stopReason: 'refusal' };
  const finish = stringField(choice, 'finish_reason');
  if (finish === OUT_OF_CAPACITY) throw errors.upstreamRejected(529, 'overloaded', OUT_OF_CAPACITY_MESSAGE);
  if (finish) return stopWithToolCalls(stopFromFinishReason(finish, choice.stop_reason), calledTools);
  const fallback: IrStopReason = calledTools ? 'tool_use' : 'end_turn';
  return { stopReason: fallback };
}

function firstChoice(body: unknown): { body: JsonObject; choice: JsonObject } {
  const choices = isObject(body) && Array.isArray(body.choices) ? body.choices : undefined;
  const choice = choices?.find(isObject);
  if (!isObject(body) || !choice) {
    throw errors.upstreamFailed('the upstream answered with a body that is not a chat completion', 502);
  }
  return { body, choice };
}

export function decodeChatResponse(raw: unknown): IrResponse {
  const { body, choice } = firstChoice(raw);
  const message = objectField(choice, 'message') ?? {};
  const content: IrResponse['content'] = [];
  const reasoning = reasoningOf(message);
  if (reasoning) content.push({ type: 'thinking', text: reasoning });
  const text = textOf(message.content);
  const logprobs = logprobsOf(choice);
  if (text) content.push(logprobs ? { type: 'text', text, logprobs } : { type: 'text', text });
  const refusal = stringField(message, 'refusal');
  if (refusal) content.push({ type: 'text', text: refusal });
  const calls = toolCalls(message);
  content.push(...calls);
  const stop = stopOf(choice, Boolean(refusal), calls.length > 0);
  return {
    id: stringField(body, 'id') ?? '',
    model: stringField(body, 'model') ?? '',
    content,
    stopReason: stop.stopReason,
    ...(stop.stopSequence === undefined ? {} : { stopSequence: stop.stopSequence }),
    usage: usageFromChat(body.usage) ?? zeroUsage(),
  };
}
