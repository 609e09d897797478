import { errors } from '../../errors/codes.js';
import type { IrTool, IrToolChoice } from '../ir/types.js';
import { type AllowedTools, allowedMode, withAllowedTools } from '../shared/allowed-tools.js';
import { choiceAfterDroppedTools } from '../shared/dropped-tool-choice.js';
import { HintReport } from '../shared/hint-report.js';
import { customTool } from './custom-tools.js';
import { asArray, asObject, isJsonObject, optBoolean, optString, reqString } from './field-readers.js';
import { flatToolName } from './tool-namespaces.js';

/**
 * Responses `tools` and `tool_choice` as IR. Function tools translate, and so do the function tools of a
 * namespace group, flattened to `<namespace>__<name>` (tool-namespaces.ts), and custom (freeform) tools, as a
 * function taking one string (custom-tools.ts). A function tool without `strict`
 * keeps it unset (the upstream's default applies) rather than assuming the Responses default of true, because
 * most upstreams reject strict mode for schemas that were not written for it.
 *
 * Hints, dropped and reported (strict translation refuses them): OpenAI's hosted web search (`web_search`,
 * `web_search_preview`: a provider-side capability the upstream lacks, so the model answers without it), the
 * `tool_search` tool and `defer_loading` (every tool goes upstream up front, which is what loading them means).
 * Other built-in tools (file_search, computer_use, code_interpreter, mcp, image_generation, shell, ...)
 * run inside OpenAI or need its tool formats, so they are refused naming `tools[i].type`.
 */
const PROVIDER_CAPABILITIES = new Set([
  'web_search',
  'web_search_preview',
  'web_search_preview_2025_03_11',
  'web_search_2025_08_26',
  'tool_search',
]);

/** The tools as IR; the types of the hosted tools dropped as hints are added to `dropped`. */
export function parseTools(value: unknown, hints: HintReport = new HintReport(), dropped: string[] = []): IrTool[] {
  if (value === undefined || value === null) return [];
  return asArray(value, 'tools').flatMap((tool, index) => parseTool(tool, `tools[${index}]`, hints, dropped));
}

/** A hosted-tool choice (`{"type": "web_search_preview"}`) forcing a tool that is dropped as a hint. */
function isProviderCapabilityChoice(choice: unknown): choice is { type: string } {
  return isJsonObject(choice) && typeof choice.type === 'string' && PROVIDER_CAPABILITIES.has(choice.type);
}

function builtInRefusal(type: string, path: string) {
  return () =>
    errors.invalidBody(
      `tool type '${type}' is not supported: this gateway offers function tools only, not OpenAI's built-in tools`,
      `${path}.type`,
    );
}

function parseTool(value: unknown, path: string, hints: HintReport, dropped: string[]): IrTool[] {
  const tool = asObject(value, path);
  const type = reqString(tool, 'type', path);
  if (type === 'function') return [functionTool(tool, path, hints)];
  if (type === 'namespace') return namespaceTools(tool, path, hints);
  if (type === 'custom') return [customTool(tool, path, hints)];
  if (!PROVIDER_CAPABILITIES.has(type)) throw builtInRefusal(type, path)();
  hints.dropUnlessStrict(`tools.${type}`, builtInRefusal(type, path));
  dropped.push(type);
  return [];
}

function namespaceTools(group: Record<string, unknown>, path: string, hints: HintReport): IrTool[] {
  const namespace = reqString(group, 'name', path);
  const description = optString(group, 'description', path);
  return asArray(group.tools, `${path}.tools`).map((value, index) => {
    const at = `${path}.tools[${index}]`;
    const tool = asObject(value, at);
    const type = reqString(tool, 'type', at);
    if (type !== 'function') throw builtInRefusal(type, at)();
    const flat = functionTool(tool, at, hints);
    flat.name = flatToolName(namespace, flat.name);
    // The group's description is the only place the model learns what the namespace is for.
    if (description) flat.description = flat.description ? `${description}\n\n${flat.description}` : description;
    return flat;
  });
}

function functionTool(tool: Record<string, unknown>, path: string, hints: HintReport): IrTool {
  if (optBoolean(tool, 'defer_loading', path) === true) {
    hints.dropUnlessStrict('tools[].defer_loading', () =>
      errors.invalidBody(
        'deferred tool loading needs the tool_search built-in tool, which this gateway does not offer',
        `${path}.defer_loading`,
      ),
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

/** A Responses `allowed_tools` choice (`{type, mode, tools: [{type: 'function', name, namespace?}]}`). */
export function parseAllowedTools(value: unknown): AllowedTools | undefined {
  if (value === null || typeof value !== 'object' || (value as Record<string, unknown>).type !== 'allowed_tools')
    return undefined;
  const choice = value as Record<string, unknown>;
  const path = 'tool_choice.tools';
  if (!Array.isArray(choice.tools)) throw errors.invalidBody(`'${path}' must be an array`, path);
  const names = choice.tools.map((entry: unknown, index: number) => {
    const item = asObject(entry, `${path}[${index}]`);
    if (item.type !== 'function' && item.type !== 'custom') {
      throw errors.invalidBody('only function and custom tools can be allowed on this model', `${path}[${index}].type`);
    }
    const name = reqString(item, 'name', `${path}[${index}]`);
    const namespace = optString(item, 'namespace', `${path}[${index}]`);
    return namespace === undefined ? name : flatToolName(namespace, name);
  });
  return { mode: allowedMode(choice.mode, 'tool_choice.mode'), names, path };
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
  if (type === 'custom') return { type: 'tool', name: reqString(choice, 'name', 'tool_choice') };
  if (type === 'function') {
    const name = reqString(choice, 'name', 'tool_choice');
    const namespace = optString(choice, 'namespace', 'tool_choice');
    return { type: 'tool', name: namespace === undefined ? name : flatToolName(namespace, name) };
  }
  throw errors.invalidBody(
    `tool_choice type '${type}' is not supported; use 'none', 'auto', 'required' or {"type":"function","name":...}`,
    'tool_choice.type',
  );
}

/** `tools` and `tool_choice`, an `allowed_tools` choice applied to the tools (shared/allowed-tools.ts). */
export function parseToolsAndChoice(
  tools: unknown,
  choice: unknown,
  hints: HintReport,
): { tools: IrTool[]; toolChoice?: IrToolChoice } {
  const dropped: string[] = [];
  const parsed = parseTools(tools, hints, dropped);
  const allowed = parseAllowedTools(choice);
  if (allowed) return withAllowedTools(parsed, allowed);
  if (isProviderCapabilityChoice(choice)) {
    hints.dropUnlessStrict('tool_choice', () =>
      errors.invalidBody(
        `tool_choice type '${choice.type}' forces a built-in tool this gateway does not offer`,
        'tool_choice.type',
      ),
    );
    return { tools: parsed };
  }
  const toolChoice = choiceAfterDroppedTools(parseToolChoice(choice), parsed, dropped, hints);
  return toolChoice === undefined ? { tools: parsed } : { tools: parsed, toolChoice };
}
