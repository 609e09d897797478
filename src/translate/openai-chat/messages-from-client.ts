import { errors } from '../../errors/codes.js';
import type { IrMessage, IrPart, IrTextPart, IrToolCallPart, IrToolResultPart } from '../ir/types.js';
import { assistantContentParts, textContent, userContent } from './content-from-client.js';
import {
  expectArray,
  expectObject,
  type JsonObject,
  missing,
  optionalString,
  pathOf,
  requiredString,
  wrongType,
} from './field-readers.js';

/**
 * Chat `messages` -> IR system prompt + messages.
 *
 * - `system` and `developer` messages all become the IR system prompt, in order, wherever they appear: the IR
 *   (like Anthropic) has one system prompt, so a system message after the conversation started is folded into
 *   it rather than kept at its position.
 * - Consecutive `tool` messages become one IR user message of tool results (the Anthropic grouping).
 * - Assistant `reasoning_content` becomes an unsigned thinking part; `refusal` becomes text.
 * - Rejected: the deprecated `function` role and `function_call`, assistant `audio`, and participant `name`s
 *   (no other dialect can tell the model who spoke). A `name` on a `tool` message is ignored: some clients
 *   repeat the function name there, and the call id already says which call the result answers.
 */

export interface ParsedMessages {
  system: IrTextPart[];
  messages: IrMessage[];
}

function rejectField(message: JsonObject, field: string, path: string, why: string): void {
  if (message[field] !== undefined && message[field] !== null) {
    throw errors.invalidBody(`'${pathOf(path, field)}' is not supported for this model: ${why}`, pathOf(path, field));
  }
}

function toolCall(value: unknown, path: string): IrToolCallPart {
  const call = expectObject(value, path);
  const type = optionalString(call, 'type', path) ?? 'function';
  if (type !== 'function') {
    throw errors.invalidBody(`'${path}.type' must be 'function', got '${type}'`, `${path}.type`);
  }
  const fnPath = pathOf(path, 'function');
  const fn = expectObject(call.function, fnPath);
  return {
    type: 'tool_call',
    id: requiredString(call, 'id', path),
    name: requiredString(fn, 'name', fnPath),
    arguments: optionalString(fn, 'arguments', fnPath) ?? '',
  };
}

function assistantText(message: JsonObject, path: string): IrTextPart[] {
  const content = message.content;
  const contentPath = pathOf(path, 'content');
  if (content === undefined || content === null || content === '') return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw wrongType(contentPath, 'a string, an array of content parts or null', content);
  return assistantContentParts(content, contentPath);
}

function assistantMessage(message: JsonObject, path: string): IrMessage {
  rejectField(message, 'audio', path, 'audio replies cannot be sent back to this model');
  rejectField(message, 'function_call', path, "the deprecated 'function_call' is not supported; use 'tool_calls'");
  const content: IrPart[] = [];
  const reasoning = optionalString(message, 'reasoning_content', path);
  if (reasoning) content.push({ type: 'thinking', text: reasoning });
  content.push(...assistantText(message, path));
  const refusal = optionalString(message, 'refusal', path);
  if (refusal) content.push({ type: 'text', text: refusal });
  const calls = message.tool_calls;
  if (calls !== undefined && calls !== null) {
    const list = expectArray(calls, pathOf(path, 'tool_calls'));
    content.push(...list.map((call, index) => toolCall(call, `${path}.tool_calls[${index}]`)));
  }
  if (content.length === 0) throw missing(pathOf(path, 'content'));
  return { role: 'assistant', content, path };
}

function toolResult(message: JsonObject, path: string): IrToolResultPart {
  return {
    type: 'tool_result',
    toolCallId: requiredString(message, 'tool_call_id', path),
    content: textContent(message.content ?? missingContent(path), pathOf(path, 'content')),
  };
}

function missingContent(path: string): never {
  throw missing(pathOf(path, 'content'));
}

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;

function checkRole(role: string, path: string): (typeof ROLES)[number] {
  if ((ROLES as readonly string[]).includes(role)) return role as (typeof ROLES)[number];
  if (role === 'function') {
    throw errors.invalidBody(`the deprecated 'function' role is not supported; use 'tool' messages`, `${path}.role`);
  }
  throw errors.invalidBody(`unknown role '${role}' at '${path}.role'`, `${path}.role`);
}

class MessageCollector {
  readonly system: IrTextPart[] = [];
  readonly messages: IrMessage[] = [];
  private toolGroup: IrMessage | undefined;

  add(value: unknown, path: string): void {
    const message = expectObject(value, path);
    const role = checkRole(requiredString(message, 'role', path), path);
    if (role === 'tool') {
      this.addToolResult(toolResult(message, path), path);
      return;
    }
    rejectField(message, 'name', path, 'participant names have no equivalent; put the name in the message text');
    this.toolGroup = undefined;
    if (role === 'system' || role === 'developer') {
      this.system.push(...textContent(message.content ?? missingContent(path), pathOf(path, 'content')));
    } else if (role === 'user') {
      this.messages.push({ role: 'user', content: userContent(message, path), path });
    } else {
      this.messages.push(assistantMessage(message, path));
    }
  }

  private addToolResult(result: IrToolResultPart, path: string): void {
    if (this.toolGroup) {
      this.toolGroup.content.push(result);
      return;
    }
    this.toolGroup = { role: 'user', content: [result], path };
    this.messages.push(this.toolGroup);
  }
}

export function parseMessages(value: unknown): ParsedMessages {
  if (value === undefined || value === null) throw missing('messages');
  const list = expectArray(value, 'messages');
  if (list.length === 0) throw errors.invalidBody("'messages' must contain at least one message", 'messages');
  const collector = new MessageCollector();
  list.forEach((message, index) => {
    collector.add(message, `messages[${index}]`);
  });
  return { system: collector.system, messages: collector.messages };
}
