import { errors } from '../../errors/codes.js';
import type { IrTool } from '../ir/types.js';
import type { HintReport } from '../shared/hint-report.js';
import { asObject, isJsonObject, optString, reqString } from './field-readers.js';

/**
 * Custom (freeform) tools, `{type: "custom", name, description, format}`: the model answers with raw text, not
 * JSON arguments. Codex declares its `apply_patch` tool this way for the models its catalog marks freeform
 * (gpt-5.5 and later), with a Lark grammar for the patch. No other dialect has freeform tools, so each goes
 * upstream as a function taking one string, `input`; its call comes back to the client as a `custom_tool_call`
 * whose `input` is that string, and `custom_tool_call` / `custom_tool_call_output` items in the input are sent as
 * the function's call and result. A grammar (or regex) format cannot be enforced elsewhere: it is given to the
 * model in the tool's description and reported dropped as `tools[].format` (strict translation refuses it).
 */
export const CUSTOM_INPUT = 'input';

function formatText(format: unknown, path: string, hints: HintReport): string | undefined {
  if (format === undefined || format === null) return undefined;
  const spec = asObject(format, path);
  const type = reqString(spec, 'type', path);
  if (type === 'text') return undefined;
  if (type !== 'grammar') throw errors.invalidBody(`custom tool format '${type}' is not supported`, `${path}.type`);
  const syntax = reqString(spec, 'syntax', path);
  const definition = reqString(spec, 'definition', path);
  hints.dropUnlessStrict('tools[].format', () =>
    errors.invalidBody('a grammar on a custom tool cannot be enforced by this model', path),
  );
  return `The input must be raw text (not JSON) matching this ${syntax} grammar:\n${definition}`;
}

/** A custom tool as the function tool every upstream takes. */
export function customTool(tool: Record<string, unknown>, path: string, hints: HintReport): IrTool {
  const description = optString(tool, 'description', path);
  const format = formatText(tool.format, `${path}.format`, hints);
  const input: Record<string, unknown> = { type: 'string' };
  if (format) input.description = format;
  const result: IrTool = {
    name: reqString(tool, 'name', path),
    parameters: { type: 'object', properties: { [CUSTOM_INPUT]: input }, required: [CUSTOM_INPUT] },
  };
  const text = [description, format].filter((part) => part !== undefined).join('\n\n');
  if (text) result.description = text;
  return result;
}

/** A custom tool call's raw input as the function arguments the upstream saw. */
export function customArguments(input: string): string {
  return JSON.stringify({ [CUSTOM_INPUT]: input });
}

/**
 * The raw input of a call to a custom tool, from the function arguments the upstream answered with. Arguments
 * that are not the expected object (a model that ignored the schema) go to the client as they came.
 */
export function customInput(args: string): string {
  try {
    const parsed: unknown = JSON.parse(args);
    if (isJsonObject(parsed) && typeof parsed[CUSTOM_INPUT] === 'string') return parsed[CUSTOM_INPUT];
  } catch {
    // Not JSON: the model wrote the raw input itself.
  }
  return args;
}
