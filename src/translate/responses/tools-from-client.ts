import { errors } from '../../errors/codes.js';
import type { IrTool, IrToolChoice } from '../ir/types.js';
import { asArray, asObject, isJsonObject, optBoolean, optString, reqString } from './field-readers.js';

/**
 * Responses `tools` and `tool_choice` as IR. Only function tools translate: built-in tools (web_search,
 * file_search, computer_use, code_interpreter, mcp, image_generation, custom, shell, ...) run inside OpenAI and
 * have no upstream equivalent, so they are rejected naming `tools[i].type`. A function tool without `strict`
 * keeps it unset (the upstream's default applies) rather than assuming the Responses default of true, because
 * most upstreams reject strict mode for schemas that were not written for it.
 */
export function parseTools(value: unknown): IrTool[] {
  if (value === undefined || value === null) return [];
  return asArray(value, 'tools').map((tool, index) => functionTool(tool, `tools[${index}]`));
}

function functionTool(value: unknown, path: string): IrTool {
  const tool = asObject(value, path);
  const type = reqString(tool, 'type', path);
  if (type !== 'function') {
    throw errors.invalidBody(
      `tool type '${type}' is not supported: this gateway offers function tools only, not OpenAI's built-in tools`,
      `${path}.type`,
    );
  }
  if (optBoolean(tool, 'defer_loading', path) === true) {
    throw errors.invalidBody(
      'deferred tool loading needs the tool_search built-in tool, which this gateway does not offer',
      `${path}.defer_loading`,
    );
  }
  const parameters = tool.parameters ?? { type: 'object', properties: {} };
  if (!isJsonObject(parameters))
    throw errors.invalidBody(`'${path}.parameters' must be a JSON Schema object`, `${path}.parameters`);
  const result: IrTool = { name: reqString(tool, 'name', path), parameters: { ...parameters } };
  const description = optString(tool, 'description', path);
  const strict = optBoolean(tool, 'strict', path);
  if (description !== undefined) result.description = description;
  if (strict !== undefined) result.strict = strict;
  return result;
}

export function parseToolChoice(value: unknown): IrToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'none' || value === 'auto' || value === 'required') return { type: value };
  if (typeof value === 'string') {
    throw errors.invalidBody(
      `'tool_choice' must be 'none', 'auto', 'required' or a function choice, not '${value}'`,
      'tool_choice',
    );
  }
  const choice = asObject(value, 'tool_choice');
  const type = reqString(choice, 'type', 'tool_choice');
  if (type === 'function') return { type: 'tool', name: reqString(choice, 'name', 'tool_choice') };
  throw errors.invalidBody(
    `tool_choice type '${type}' is not supported; use 'none', 'auto', 'required' or {"type":"function","name":...}`,
    'tool_choice.type',
  );
}
