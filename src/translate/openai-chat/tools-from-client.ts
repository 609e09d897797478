import { errors } from '../../errors/codes.js';
import type { IrResponseFormat, IrTool, IrToolChoice } from '../ir/types.js';
import { type AllowedTools, allowedMode, withAllowedTools } from '../shared/allowed-tools.js';
import {
  expectArray,
  expectObject,
  type JsonObject,
  optionalBoolean,
  optionalString,
  pathOf,
  requiredString,
} from './field-readers.js';

/**
 * Chat `tools`, `tool_choice` and `response_format` -> IR. Only `function` tools translate: custom
 * (free-form grammar) tools and `allowed_tools` choices have no equivalent in the other dialects.
 */

/** A function tool without `parameters` takes no arguments; the IR (like Anthropic) always needs a schema. */
const NO_PARAMETERS: Record<string, unknown> = { type: 'object', properties: {} };

function tool(value: unknown, path: string): IrTool {
  const entry = expectObject(value, path);
  const type = requiredString(entry, 'type', path);
  if (type !== 'function') {
    throw errors.invalidBody(
      `tool type '${type}' is not supported for this model; only 'function' tools can be translated`,
      `${path}.type`,
    );
  }
  const fnPath = pathOf(path, 'function');
  const fn = expectObject(entry.function, fnPath);
  const parameters = fn.parameters;
  if (parameters !== undefined && parameters !== null) expectObject(parameters, pathOf(fnPath, 'parameters'));
  const description = optionalString(fn, 'description', fnPath);
  const strict = optionalBoolean(fn, 'strict', fnPath);
  return {
    name: requiredString(fn, 'name', fnPath),
    ...(description === undefined ? {} : { description }),
    parameters: (parameters as Record<string, unknown> | null | undefined) ?? NO_PARAMETERS,
    ...(strict === undefined ? {} : { strict }),
  };
}

export function parseTools(value: unknown): IrTool[] {
  if (value === undefined || value === null) return [];
  return expectArray(value, 'tools').map((entry, index) => tool(entry, `tools[${index}]`));
}

/** A Chat `allowed_tools` choice (`{type, allowed_tools: {mode, tools: [{type: 'function', function: {name}}]}}`). */
export function parseAllowedTools(value: unknown): AllowedTools | undefined {
  if (value === null || typeof value !== 'object' || (value as JsonObject).type !== 'allowed_tools') return undefined;
  const allowed = expectObject((value as JsonObject).allowed_tools, 'tool_choice.allowed_tools');
  const path = 'tool_choice.allowed_tools.tools';
  const names = expectArray(allowed.tools, path).map((entry, index) => {
    const item = expectObject(entry, `${path}[${index}]`);
    if (item.type !== 'function') {
      throw errors.invalidBody(`only function tools can be allowed on this model`, `${path}[${index}].type`);
    }
    return requiredString(
      expectObject(item.function, `${path}[${index}].function`),
      'name',
      `${path}[${index}].function`,
    );
  });
  return { mode: allowedMode(allowed.mode, 'tool_choice.allowed_tools.mode'), names, path };
}

export function parseToolChoice(value: unknown): IrToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'none' || value === 'auto' || value === 'required') return { type: value };
  if (typeof value === 'string') {
    throw errors.invalidBody(
      `invalid value for 'tool_choice': expected 'none', 'auto', 'required' or a function choice, got '${value}'`,
      'tool_choice',
    );
  }
  const choice = expectObject(value, 'tool_choice');
  const type = requiredString(choice, 'type', 'tool_choice');
  if (type !== 'function') {
    throw errors.invalidBody(
      `tool_choice type '${type}' is not supported for this model; use 'none', 'auto', 'required' or a function`,
      'tool_choice.type',
    );
  }
  const fn = expectObject(choice.function, 'tool_choice.function');
  return { type: 'tool', name: requiredString(fn, 'name', 'tool_choice.function') };
}

function jsonSchemaFormat(format: JsonObject): IrResponseFormat {
  const path = 'response_format.json_schema';
  const spec = expectObject(format.json_schema, path);
  const schema = spec.schema;
  if (schema !== undefined && schema !== null) expectObject(schema, `${path}.schema`);
  const strict = optionalBoolean(spec, 'strict', path);
  const description = optionalString(spec, 'description', path);
  return {
    type: 'json_schema',
    name: requiredString(spec, 'name', path),
    schema: (schema as Record<string, unknown> | null | undefined) ?? {},
    ...(strict === undefined ? {} : { strict }),
    ...(description === undefined ? {} : { description }),
  };
}

export function parseResponseFormat(value: unknown): IrResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = expectObject(value, 'response_format');
  const type = requiredString(format, 'type', 'response_format');
  if (type === 'text' || type === 'json_object') return { type };
  if (type === 'json_schema') return jsonSchemaFormat(format);
  throw errors.invalidBody(
    `invalid value for 'response_format.type': expected 'text', 'json_object' or 'json_schema', got '${type}'`,
    'response_format.type',
  );
}

/** `stream_options` is read by the stream encoder; its shape is checked here so the encoder can trust it. */
export function checkStreamOptions(value: unknown): void {
  if (value === undefined || value === null) return;
  const options = expectObject(value, 'stream_options');
  optionalBoolean(options, 'include_usage', 'stream_options');
  optionalBoolean(options, 'include_obfuscation', 'stream_options');
}

/** `tools` and `tool_choice`, an `allowed_tools` choice applied to the tools (shared/allowed-tools.ts). */
export function parseToolsAndChoice(tools: unknown, choice: unknown): { tools: IrTool[]; toolChoice?: IrToolChoice } {
  const parsed = parseTools(tools);
  const allowed = parseAllowedTools(choice);
  if (allowed) return withAllowedTools(parsed, allowed);
  const toolChoice = parseToolChoice(choice);
  return toolChoice === undefined ? { tools: parsed } : { tools: parsed, toolChoice };
}
