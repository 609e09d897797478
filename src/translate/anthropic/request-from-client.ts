import { errors } from '../../errors/codes.js';
import type { IrReasoning, IrRequest, IrResponseFormat, IrTextPart } from '../ir/types.js';
import { HintReport } from '../shared/hint-report.js';
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
import { endUserOf } from './end-user.js';
import { parseToolsAndChoice } from './tools-from-client.js';

/**
 * Parses an Anthropic Messages request (POST /v1/messages) into the IR, validating types the way Anthropic
 * does and naming the exact path of anything wrong. It runs only when the target is not Anthropic (an
 * Anthropic target gets the client's bytes), so everything here is about what another provider can honour.
 *
 * `output_config.format` (structured output) becomes a strict json_schema response format, named `output`
 * (OpenAI requires a name).
 *
 * Hints, mapped: `thinking` with a budget becomes IR reasoning with the budget and its effort; adaptive
 * thinking and `output_config.effort` become the IR effort (`max` and `xhigh` read as `high`; adaptive thinking
 * without an effort leaves the depth to the upstream); `thinking.display: "updates"` is summarized thinking,
 * which is what other providers return; `metadata.user_id` becomes IR `user` (Claude Code's JSON form gives
 * its stable account or device id, not the per-session string).
 * Hints, dropped and reported (hint-report.ts): `context_management` (edits run on Anthropic's servers; the
 * upstream gets the whole context), `thinking.display: "omitted"`, `service_tier`, the top-level
 * `cache_control`, and `output_config.effort` with thinking disabled. Strict translation refuses the mapped and
 * dropped hints it refused before (adaptive thinking, effort, display, context management).
 * Refused: `mcp_servers`, `container` and unknown fields.
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
  'context_management',
]);

const WHY_UNSUPPORTED: Readonly<Record<string, string>> = {
  mcp_servers: 'MCP servers are called by Anthropic itself; other providers cannot reach them',
  container: 'code-execution containers exist only on Anthropic',
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

type Effort = NonNullable<IrReasoning['effort']>;

const EFFORTS: Readonly<Record<string, Effort>> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'high',
  max: 'high',
};

const refuse = (message: string, path: string) => () => errors.invalidBody(`${path}: ${message}`, path);

function checkDisplay(thinking: JsonObject, hints: HintReport): void {
  const display = optional(thinking.display, (d) =>
    readEnum(d, 'thinking.display', ['summarized', 'omitted', 'updates']),
  );
  if (display === 'omitted') {
    hints.dropUnlessStrict(
      'thinking.display',
      refuse("only 'summarized' thinking can be translated", 'thinking.display'),
    );
  } else if (display === 'updates') {
    hints.mapUnlessStrict(refuse("only 'summarized' thinking can be translated", 'thinking.display'));
  }
}

function parseThinking(
  value: unknown,
  maxTokens: number,
  effort: Effort | undefined,
  hints: HintReport,
): IrReasoning | undefined {
  if (value === undefined || value === null) return effort === undefined ? undefined : { effort };
  const thinking = readObject(value, 'thinking');
  const type = readEnum(thinking.type, 'thinking.type', ['enabled', 'disabled', 'adaptive']);
  if (type === 'disabled') {
    rejectUnknownKeys(thinking, new Set(['type']), 'thinking');
    if (effort !== undefined) hints.drop('output_config.effort');
    return { effort: 'none' };
  }
  if (type === 'adaptive') {
    hints.mapUnlessStrict(
      refuse("adaptive thinking cannot be translated; use {type: 'enabled', budget_tokens}", 'thinking.type'),
    );
    rejectUnknownKeys(thinking, new Set(['type', 'display']), 'thinking');
    checkDisplay(thinking, hints);
    return effort === undefined ? {} : { effort };
  }
  rejectUnknownKeys(thinking, new Set(['type', 'budget_tokens', 'display']), 'thinking');
  checkDisplay(thinking, hints);
  const budget = readInteger(thinking.budget_tokens, 'thinking.budget_tokens', MIN_THINKING_BUDGET);
  if (budget >= maxTokens) reject(`must be less than max_tokens (${maxTokens})`, 'thinking.budget_tokens');
  return { budgetTokens: budget, effort: effort ?? effortForBudget(budget) };
}

interface OutputConfig {
  format?: IrResponseFormat | undefined;
  effort?: Effort | undefined;
}

function parseOutputConfig(value: unknown, hints: HintReport): OutputConfig {
  const config = optional(value, (c) => readObject(c, 'output_config'));
  if (!config) return {};
  rejectUnknownKeys(config, new Set(['effort', 'format']), 'output_config');
  const effort = optional(config.effort, (e) => readEnum(e, 'output_config.effort', Object.keys(EFFORTS)));
  if (effort !== undefined) {
    hints.mapUnlessStrict(refuse('output effort has no equivalent on other providers', 'output_config.effort'));
  }
  const format = optional(config.format, (f) => readObject(f, 'output_config.format'));
  const result: OutputConfig = effort === undefined ? {} : { effort: EFFORTS[effort] };
  if (!format) return result;
  rejectUnknownKeys(format, new Set(['type', 'schema']), 'output_config.format');
  readEnum(format.type, 'output_config.format.type', ['json_schema']);
  const schema = readObject(format.schema, 'output_config.format.schema');
  return { ...result, format: { type: 'json_schema', name: 'output', schema: { ...schema }, strict: true } };
}

function parseUser(value: unknown): string | undefined {
  const metadata = optional(value, (m) => readObject(m, 'metadata'));
  if (!metadata) return undefined;
  rejectUnknownKeys(metadata, new Set(['user_id']), 'metadata');
  return optional(metadata.user_id, (u) => endUserOf(readString(u, 'metadata.user_id')));
}

function parseMaxTokens(value: unknown): number {
  if (value === undefined || value === null) reject('field required', 'max_tokens');
  return readInteger(value, 'max_tokens', 1);
}

function parseModel(value: unknown): string {
  if (value === undefined || value === null || value === '') throw errors.missingModel();
  return readString(value, 'model');
}

/** Validates the fields that carry no IR value of their own (hints) and reports the ones dropped. */
function checkHints(body: JsonObject, hints: HintReport): void {
  if (optional(body.service_tier, (t) => readEnum(t, 'service_tier', ['auto', 'standard_only'])) !== undefined) {
    hints.drop('service_tier');
  }
  if (parseCacheControl(body.cache_control, 'cache_control')) hints.drop('cache_control');
  const management = optional(body.context_management, (c) => readObject(c, 'context_management'));
  if (management) {
    hints.dropUnlessStrict(
      'context_management',
      refuse('context management runs on Anthropic and has no equivalent on other providers', 'context_management'),
    );
  }
}

export function parseAnthropicRequest(body: JsonObject, hints: HintReport = new HintReport()): IrRequest {
  rejectUnknownTopLevel(body);
  checkHints(body, hints);
  const maxTokens = parseMaxTokens(body.max_tokens);
  const request: IrRequest = {
    model: parseModel(body.model),
    system: parseSystem(body.system),
    messages: parseMessages(body.messages, hints),
    ...parseToolsAndChoice(body.tools, body.tool_choice, hints),
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
  const output = parseOutputConfig(body.output_config, hints);
  const reasoning = parseThinking(body.thinking, maxTokens, output.effort, hints);
  const user = parseUser(body.metadata);
  const responseFormat = output.format;
  if (temperature !== undefined) request.temperature = temperature;
  if (topP !== undefined) request.topP = topP;
  if (topK !== undefined) request.topK = topK;
  if (reasoning) request.reasoning = reasoning;
  if (user !== undefined) request.user = user;
  if (responseFormat) request.responseFormat = responseFormat;
  // A final assistant message is a prefill: Anthropic continues it rather than answering after it.
  if (request.messages.at(-1)?.role === 'assistant') request.prefill = true;
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
  cacheControl: 'cache_control',
};

export function anthropicClientField(irField: string): string {
  return CLIENT_FIELDS[irField] ?? irField;
}
