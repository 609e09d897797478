import { errors } from '../../errors/codes.js';
import type { IrReasoning, IrRequest, IrResponseFormat, IrTextPart } from '../ir/types.js';
import { ownEntry } from '../shared/own-entry.js';
import { effortForBudget, MIN_THINKING_BUDGET } from '../shared/reasoning-budget.js';
import {
  type JsonObject,
  optional,
  readArray,
  readBoolean,
  readEnum,
  readInteger,
  readNumber,
  readObject,
  readString,
  reject,
  rejectUnknownKeys,
} from './body-reader.js';
import { parseCacheControl, parseMessages, parseTextBlock } from './content-from-client.js';
import { parseToolChoice, parseTools } from './tools-from-client.js';

/**
 * Parses an Anthropic Messages request (POST /v1/messages) into the IR, validating types the way Anthropic
 * does and naming the exact path of anything wrong.
 *
 * `output_config.format` (structured output) becomes a strict json_schema response format, named `output`
 * (OpenAI requires a name); `output_config.effort` has no equivalent and is rejected.
 *
 * Hints dropped or mapped (documented): `metadata.user_id` becomes IR `user`; `service_tier` and the
 * top-level `cache_control` are dropped (other providers have no such switch; block-level cache_control
 * is kept in the IR); `thinking.display: "summarized"` is the default and needs nothing. `thinking` with a
 * budget becomes IR reasoning with both the budget and the matching effort. Every other field Anthropic
 * knows but another provider cannot honour (mcp_servers, container, output_config, context_management,
 * adaptive thinking, ...) is rejected naming it.
 */

const TOP_LEVEL_KEYS = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'stop_sequences',
  'temperature',
  'top_p',
  'top_k',
  'stream',
  'tools',
  'tool_choice',
  'thinking',
  'metadata',
  'service_tier',
  'cache_control',
  'output_config',
]);

const WHY_UNSUPPORTED: Readonly<Record<string, string>> = {
  mcp_servers: 'MCP servers are called by Anthropic itself; other providers cannot reach them',
  container: 'code-execution containers exist only on Anthropic',
  context_management: 'context management runs on Anthropic and has no equivalent on other providers',
};

function rejectUnknownTopLevel(body: JsonObject): void {
  for (const key of Object.keys(body)) {
    // A field Anthropic knows, sent as null, is "not set" (as some clients serialise every option).
    if (TOP_LEVEL_KEYS.has(key) || (key in WHY_UNSUPPORTED && body[key] === null)) continue;
    reject(ownEntry(WHY_UNSUPPORTED, key) ?? 'unknown field; it cannot be translated for another provider', key);
  }
}

function parseSystem(value: unknown): IrTextPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  return readArray(value, 'system').map((item, i) => {
    const block = readObject(item, `system[${i}]`);
    readEnum(block.type, `system[${i}].type`, ['text']);
    return parseTextBlock(block, `system[${i}]`);
  });
}

function parseThinking(value: unknown, maxTokens: number): IrReasoning | undefined {
  if (value === undefined || value === null) return undefined;
  const thinking = readObject(value, 'thinking');
  const type = readEnum(thinking.type, 'thinking.type', ['enabled', 'disabled', 'adaptive']);
  if (type === 'adaptive') {
    reject("adaptive thinking cannot be translated; use {type: 'enabled', budget_tokens}", 'thinking.type');
  }
  if (type === 'disabled') {
    rejectUnknownKeys(thinking, new Set(['type']), 'thinking');
    return undefined;
  }
  rejectUnknownKeys(thinking, new Set(['type', 'budget_tokens', 'display']), 'thinking');
  const display = optional(thinking.display, (d) => readEnum(d, 'thinking.display', ['summarized', 'omitted']));
  if (display === 'omitted') reject("only 'summarized' thinking can be translated", 'thinking.display');
  const budget = readInteger(thinking.budget_tokens, 'thinking.budget_tokens', MIN_THINKING_BUDGET);
  if (budget >= maxTokens) reject(`must be less than max_tokens (${maxTokens})`, 'thinking.budget_tokens');
  return { budgetTokens: budget, effort: effortForBudget(budget) };
}

function parseOutputConfig(value: unknown): IrResponseFormat | undefined {
  const config = optional(value, (c) => readObject(c, 'output_config'));
  if (!config) return undefined;
  if (config.effort !== undefined && config.effort !== null) {
    reject('output effort has no equivalent on other providers', 'output_config.effort');
  }
  rejectUnknownKeys(config, new Set(['effort', 'format']), 'output_config');
  const format = optional(config.format, (f) => readObject(f, 'output_config.format'));
  if (!format) return undefined;
  rejectUnknownKeys(format, new Set(['type', 'schema']), 'output_config.format');
  readEnum(format.type, 'output_config.format.type', ['json_schema']);
  const schema = readObject(format.schema, 'output_config.format.schema');
  return { type: 'json_schema', name: 'output', schema: { ...schema }, strict: true };
}

function parseUser(value: unknown): string | undefined {
  const metadata = optional(value, (m) => readObject(m, 'metadata'));
  if (!metadata) return undefined;
  rejectUnknownKeys(metadata, new Set(['user_id']), 'metadata');
  return optional(metadata.user_id, (u) => readString(u, 'metadata.user_id'));
}

function parseMaxTokens(value: unknown): number {
  if (value === undefined || value === null) reject('field required', 'max_tokens');
  return readInteger(value, 'max_tokens', 1);
}

function parseModel(value: unknown): string {
  if (value === undefined || value === null || value === '') throw errors.missingModel();
  return readString(value, 'model');
}

/** Validates and checks the fields that carry no IR value of their own (hints). */
function checkHints(body: JsonObject): void {
  optional(body.service_tier, (t) => readEnum(t, 'service_tier', ['auto', 'standard_only']));
  parseCacheControl(body.cache_control, 'cache_control');
}

export function parseAnthropicRequest(body: JsonObject): IrRequest {
  rejectUnknownTopLevel(body);
  checkHints(body);
  const maxTokens = parseMaxTokens(body.max_tokens);
  const request: IrRequest = {
    model: parseModel(body.model),
    system: parseSystem(body.system),
    messages: parseMessages(body.messages),
    tools: parseTools(body.tools),
    ...parseToolChoice(body.tool_choice),
    maxTokens,
    stopSequences:
      optional(body.stop_sequences, (s) =>
        readArray(s, 'stop_sequences').map((item, i) => readString(item, `stop_sequences[${i}]`)),
      ) ?? [],
    stream: optional(body.stream, (s) => readBoolean(s, 'stream')) ?? false,
  };
  const temperature = optional(body.temperature, (t) => readNumber(t, 'temperature', 0, 1));
  const topP = optional(body.top_p, (p) => readNumber(p, 'top_p', 0, 1));
  const topK = optional(body.top_k, (k) => readInteger(k, 'top_k', 0));
  const reasoning = parseThinking(body.thinking, maxTokens);
  const user = parseUser(body.metadata);
  const responseFormat = parseOutputConfig(body.output_config);
  if (temperature !== undefined) request.temperature = temperature;
  if (topP !== undefined) request.topP = topP;
  if (topK !== undefined) request.topK = topK;
  if (reasoning) request.reasoning = reasoning;
  if (user !== undefined) request.user = user;
  if (responseFormat) request.responseFormat = responseFormat;
  return request;
}

/** The Anthropic name of a top-level IR request field, for builder rejections. */
const CLIENT_FIELDS: Readonly<Record<string, string>> = {
  maxTokens: 'max_tokens',
  topP: 'top_p',
  topK: 'top_k',
  stopSequences: 'stop_sequences',
  toolChoice: 'tool_choice',
  parallelToolCalls: 'tool_choice.disable_parallel_tool_use',
  reasoning: 'thinking',
  user: 'metadata.user_id',
  responseFormat: 'output_config.format',
};

export function anthropicClientField(irField: string): string {
  return CLIENT_FIELDS[irField] ?? irField;
}
