import { errors } from '../../errors/codes.js';
import type { IrTool, IrToolChoice } from '../ir/types.js';
import { choiceAfterDroppedTools } from '../shared/dropped-tool-choice.js';
import { HintReport } from '../shared/hint-report.js';
import {
  optional,
  readArray,
  readBoolean,
  readEnum,
  readObject,
  readString,
  rejectUnknownKeys,
} from './body-reader.js';
import { parseCacheControl } from './content-from-client.js';

/**
 * Custom tools and tool_choice. `eager_input_streaming` (a streaming granularity hint) is dropped silently.
 * Hints dropped and reported (strict translation refuses them): `defer_loading` (the upstream gets every tool
 * up front, which is what loading them all means), and the server tools that are provider-side capabilities
 * the upstream lacks: web search and web fetch (the model answers without them) and tool search (its only job
 * is loading deferred tools). Anthropic's other server and versioned client tools (code_execution_*, bash_*,
 * text_editor_*, computer_*, memory_*, ...) run on Anthropic's side or follow Anthropic-only schemas, so they
 * are refused naming `tools[i].type`.
 */

const TOOL_KEYS = new Set([
  'type',
  'name',
  'description',
  'input_schema',
  'cache_control',
  'strict',
  'eager_input_streaming',
  'defer_loading',
]);

/** Server tools that only add a capability on Anthropic's side; another provider's model answers without it. */
const PROVIDER_CAPABILITY = /^(web_search|web_fetch|tool_search_tool)_/;

function refusal(type: string, path: string) {
  return () =>
    errors.invalidBody(
      `${path}.type: '${type}' is an Anthropic-defined tool and cannot be forwarded to another provider; declare a custom tool with an input_schema instead`,
      `${path}.type`,
    );
}

function parseTool(value: unknown, path: string, hints: HintReport, dropped: string[]): IrTool | undefined {
  const tool = readObject(value, path);
  const type = optional(tool.type, (t) => readString(t, `${path}.type`));
  if (type !== undefined && type !== 'custom') {
    if (!PROVIDER_CAPABILITY.test(type)) throw refusal(type, path)();
    hints.dropUnlessStrict(`tools.${type}`, refusal(type, path));
    dropped.push(typeof tool.name === 'string' ? tool.name : type);
    return undefined;
  }
  rejectUnknownKeys(tool, TOOL_KEYS, path);
  if (optional(tool.defer_loading, (d) => readBoolean(d, `${path}.defer_loading`))) {
    hints.dropUnlessStrict('tools[].defer_loading', () =>
      errors.invalidBody(
        `${path}.defer_loading: deferred tool loading has no equivalent on other providers`,
        `${path}.defer_loading`,
      ),
    );
  }
  const schema = readObject(tool.input_schema, `${path}.input_schema`);
  readEnum(schema.type, `${path}.input_schema.type`, ['object']);
  const ir: IrTool = { name: readString(tool.name, `${path}.name`), parameters: { ...schema } };
  const description = optional(tool.description, (d) => readString(d, `${path}.description`));
  const strict = optional(tool.strict, (s) => readBoolean(s, `${path}.strict`));
  const cacheControl = parseCacheControl(tool.cache_control, `${path}.cache_control`);
  if (description !== undefined) ir.description = description;
  if (strict !== undefined) ir.strict = strict;
  if (cacheControl) ir.cacheControl = cacheControl;
  return ir;
}

/** The tools, and the names of those dropped as hints (server tools name themselves: `web_search`). */
export function parseTools(value: unknown, hints: HintReport = new HintReport(), dropped: string[] = []): IrTool[] {
  if (value === undefined || value === null) return [];
  return readArray(value, 'tools').flatMap((tool, i) => parseTool(tool, `tools[${i}]`, hints, dropped) ?? []);
}

const CHOICE_KEYS: Record<'auto' | 'any' | 'tool' | 'none', ReadonlySet<string>> = {
  auto: new Set(['type', 'disable_parallel_tool_use']),
  any: new Set(['type', 'disable_parallel_tool_use']),
  tool: new Set(['type', 'name', 'disable_parallel_tool_use']),
  none: new Set(['type']),
};

export interface ParsedToolChoice {
  toolChoice?: IrToolChoice | undefined;
  /** false when the client set `disable_parallel_tool_use: true`. */
  parallelToolCalls?: boolean | undefined;
}

/** `tools` and `tool_choice`; a choice left without its tools by dropped server tools is dropped too. */
export function parseToolsAndChoice(
  tools: unknown,
  choice: unknown,
  hints: HintReport,
): { tools: IrTool[] } & ParsedToolChoice {
  const dropped: string[] = [];
  const parsed = parseTools(tools, hints, dropped);
  const { toolChoice, ...parallel } = parseToolChoice(choice);
  const kept = choiceAfterDroppedTools(toolChoice, parsed, dropped, hints);
  return kept === undefined ? { tools: parsed, ...parallel } : { tools: parsed, toolChoice: kept, ...parallel };
}

export function parseToolChoice(value: unknown): ParsedToolChoice {
  if (value === undefined || value === null) return {};
  const choice = readObject(value, 'tool_choice');
  const type = readEnum(choice.type, 'tool_choice.type', ['auto', 'any', 'tool', 'none']);
  rejectUnknownKeys(choice, CHOICE_KEYS[type], 'tool_choice');
  const disableParallel = optional(choice.disable_parallel_tool_use, (d) =>
    readBoolean(d, 'tool_choice.disable_parallel_tool_use'),
  );
  const parallel = disableParallel ? { parallelToolCalls: false } : {};
  if (type === 'auto') return { toolChoice: { type: 'auto' }, ...parallel };
  if (type === 'none') return { toolChoice: { type: 'none' }, ...parallel };
  if (type === 'any') return { toolChoice: { type: 'required' }, ...parallel };
  return { toolChoice: { type: 'tool', name: readString(choice.name, 'tool_choice.name') }, ...parallel };
}
