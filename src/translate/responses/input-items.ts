import { errors } from '../../errors/codes.js';
import type { IrMessage, IrPart, IrTextPart, IrToolCallPart, IrToolResultPart } from '../ir/types.js';
import { customArguments } from './custom-tools.js';
import { asObject, type Json, optEnum, optString, reqString } from './field-readers.js';
import { type MessageRole, messageContent, toolOutputContent } from './input-content.js';
import { isGatewayEnvelope, openEnvelope } from './reasoning-envelope.js';
import { flatToolName } from './tool-namespaces.js';

/**
 * The Responses `input` as IR messages. Turn structure: consecutive assistant-side items (reasoning, assistant
 * messages, function_call) form ONE assistant message, and consecutive function_call_output items one user
 * message of tool results, which is how the other dialects group a turn. Mapping choices:
 * - system and developer messages are hoisted, in order, into the IR system prompt (after `instructions`),
 *   since neither upstream dialect has a system message in the middle of a conversation;
 * - a function_call item's own `id` (fc_...) is not kept: `call_id` is what ties a call to its output;
 * - reasoning items carrying the gateway's envelope come back as (signed) thinking; reasoning items without it
 *   (OpenAI's own encrypted reasoning, or only a summary) are not forwarded: no upstream can verify them;
 * - item_reference and built-in tool items are rejected: they need OpenAI's server-side state or tools.
 */
export interface ParsedInput {
  system: IrTextPart[];
  messages: IrMessage[];
}

const BUILT_IN_ITEMS = new Set([
  'file_search_call',
  'computer_call',
  'computer_call_output',
  'web_search_call',
  'image_generation_call',
  'code_interpreter_call',
  'local_shell_call',
  'local_shell_call_output',
  'shell_call',
  'shell_call_output',
  'apply_patch_call',
  'apply_patch_call_output',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
  'mcp_call',
  'tool_search_call',
  'tool_search_output',
  'compaction',
  'compaction_trigger',
]);

type Side = 'assistant' | 'tool_results';

/** Collects items into IR messages, merging runs of same-side items into one message. */
class TurnBuilder {
  readonly system: IrTextPart[] = [];
  readonly messages: IrMessage[] = [];
  private run: { side: Side; message: IrMessage } | undefined;

  append(side: Side, parts: IrPart[], path: string): void {
    if (this.run?.side !== side) {
      this.closeRun();
      this.run = { side, message: { role: side === 'assistant' ? 'assistant' : 'user', content: [], path } };
    }
    this.run.message.content.push(...parts);
  }

  user(content: IrPart[], path: string): void {
    this.closeRun();
    this.messages.push({ role: 'user', content, path });
  }

  finish(): ParsedInput {
    this.closeRun();
    return { system: this.system, messages: this.messages };
  }

  private closeRun(): void {
    if (this.run && this.run.message.content.length > 0) this.messages.push(this.run.message);
    this.run = undefined;
  }
}

export function parseInput(input: unknown): ParsedInput {
  if (input === undefined || input === null) {
    throw errors.invalidBody(
      "missing required parameter 'input': this gateway is stateless, so every request must carry the full conversation",
      'input',
    );
  }
  if (typeof input === 'string')
    return { system: [], messages: [{ role: 'user', content: [{ type: 'text', text: input }], path: 'input' }] };
  if (!Array.isArray(input)) throw errors.invalidBody("'input' must be a string or an array of items", 'input');
  const turns = new TurnBuilder();
  for (const [index, value] of input.entries()) addItem(turns, value, `input[${index}]`);
  return turns.finish();
}

function addItem(turns: TurnBuilder, value: unknown, path: string): void {
  const item = asObject(value, path);
  const type = itemType(item, path);
  if (type === 'message') addMessage(turns, item, path);
  else if (type === 'function_call') turns.append('assistant', [functionCall(item, path)], path);
  else if (type === 'custom_tool_call') turns.append('assistant', [customToolCall(item, path)], path);
  else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
    turns.append('tool_results', [functionCallOutput(item, path)], path);
  } else if (type === 'reasoning') turns.append('assistant', reasoningParts(item, path), path);
  else throw unsupportedItem(type, path);
}

function functionCall(item: Json, path: string): IrToolCallPart {
  const id = reqString(item, 'call_id', path);
  const name = reqString(item, 'name', path);
  const namespace = optString(item, 'namespace', path);
  const upstreamName = namespace === undefined ? name : flatToolName(namespace, name);
  return {
    type: 'tool_call',
    id,
    name: upstreamName,
    arguments: reqString(item, 'arguments', path),
    path: `${path}.arguments`,
  };
}

/** A call of a custom (freeform) tool, as the call of the function it went upstream as (custom-tools.ts). */
function customToolCall(item: Json, path: string): IrToolCallPart {
  return {
    type: 'tool_call',
    id: reqString(item, 'call_id', path),
    name: reqString(item, 'name', path),
    arguments: customArguments(reqString(item, 'input', path)),
    path: `${path}.input`,
  };
}

function functionCallOutput(item: Json, path: string): IrToolResultPart {
  const toolCallId = reqString(item, 'call_id', path);
  return {
    type: 'tool_result',
    toolCallId,
    content: toolOutputContent(item.output, `${path}.output`),
    path: `${path}.output`,
  };
}

/** An item's type; `type` may be omitted on messages (they have a role) and on item references (only an id). */
function itemType(item: Json, path: string): string {
  const type = optString(item, 'type', path);
  if (type !== undefined) return type;
  if (item.role !== undefined) return 'message';
  if (item.id !== undefined) return 'item_reference';
  throw errors.invalidBody(`'${path}' has neither a 'type' nor a 'role'`, `${path}.type`);
}

function addMessage(turns: TurnBuilder, item: Json, path: string): void {
  const role = optEnum<MessageRole>(item, 'role', path, ['user', 'assistant', 'system', 'developer']);
  if (role === undefined) throw errors.invalidBody(`missing required parameter '${path}.role'`, `${path}.role`);
  const content = messageContent(item.content, role, `${path}.content`);
  if (role === 'user') turns.user(content, path);
  else if (role === 'assistant') turns.append('assistant', content, path);
  // messageContent admits only text parts for system and developer messages, so nothing is filtered out here.
  else turns.system.push(...content.filter((part): part is IrTextPart => part.type === 'text'));
}

function reasoningParts(item: Json, path: string): IrPart[] {
  const encrypted = optString(item, 'encrypted_content', path);
  if (encrypted === undefined || !isGatewayEnvelope(encrypted)) return [];
  return [openEnvelope(encrypted, `${path}.encrypted_content`)];
}

function unsupportedItem(type: string, path: string) {
  const param = `${path}.type`;
  if (type === 'item_reference') {
    return errors.invalidBody(
      `item references cannot be resolved: this gateway is stateless and stores no items; send the full item instead of a reference`,
      param,
    );
  }
  if (BUILT_IN_ITEMS.has(type)) {
    return errors.invalidBody(
      `'${type}' items are not supported: this gateway offers function tools only, not OpenAI's built-in tools`,
      param,
    );
  }
  return errors.invalidBody(
    `unsupported input item type '${type}'; use message, function_call, function_call_output, custom_tool_call, custom_tool_call_output or reasoning`,
    param,
  );
}
