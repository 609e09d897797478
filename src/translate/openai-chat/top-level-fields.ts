import { errors } from '../../errors/codes.js';
import { HintReport } from '../shared/hint-report.js';
import { ownEntry } from '../shared/own-entry.js';
import { isObject, type JsonObject } from './field-readers.js';

/**
 * What the Chat client parser does with each top-level field of a request it translates. Fields it reads
 * into the IR are listed in READ. The others are either pure hints, dropped because no other dialect has
 * a use for them, or parameters the IR cannot carry, accepted only at their default value. Anything not
 * listed is rejected, so a client never silently loses a parameter it set.
 *
 * Dropped hints, reported (hint-report.ts): `store` (unless false), `metadata` (OpenAI stored completions),
 * `service_tier`, the prompt-cache hints `prompt_cache_key`, `prompt_cache_retention` and `prompt_cache_options`
 * (Anthropic caches by explicit breakpoints, which the parser takes from content parts). `verbosity` is read into
 * the IR, for each upstream builder to send or drop (shared/verbosity.ts). `stream_options` is read by the stream
 * encoder.
 */
const READ = new Set([
  'model',
  'messages',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'seed',
  'frequency_penalty',
  'presence_penalty',
  'stop',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  'user',
  'safety_identifier',
  'verbosity',
]);

const HINTS = new Set([
  'store',
  'metadata',
  'service_tier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'prompt_cache_options',
]);

interface DefaultOnly {
  isDefault(value: unknown): boolean;
  why: string;
}

const never = () => false;
const NO_EQUIVALENT = "the model's provider has no equivalent";

const DEFAULT_ONLY: Record<string, DefaultOnly> = {
  n: { isDefault: (value) => value === 1, why: 'only one choice (n: 1) can be generated on this route' },
  logprobs: { isDefault: (value) => value === false, why: `log probabilities are not available: ${NO_EQUIVALENT}` },
  top_logprobs: { isDefault: (value) => value === 0, why: `log probabilities are not available: ${NO_EQUIVALENT}` },
  logit_bias: {
    isDefault: (value) => isObject(value) && Object.keys(value).length === 0,
    why: `token biasing is not available: ${NO_EQUIVALENT}`,
  },
  audio: { isDefault: never, why: 'audio output is not available on this route' },
  modalities: {
    isDefault: (value) => Array.isArray(value) && value.length === 1 && value[0] === 'text',
    why: 'only text output is available on this route',
  },
  prediction: { isDefault: never, why: `predicted outputs are not available: ${NO_EQUIVALENT}` },
  web_search_options: { isDefault: never, why: 'built-in web search is not available on this route' },
  functions: { isDefault: never, why: "the deprecated 'functions' parameter is not supported; use 'tools'" },
  function_call: {
    isDefault: never,
    why: "the deprecated 'function_call' parameter is not supported; use 'tool_choice'",
  },
  moderation: { isDefault: never, why: `built-in moderation is not available: ${NO_EQUIVALENT}` },
};

/** Throws a 400 naming the first field the translation cannot honour. */
export function checkTopLevelFields(body: JsonObject, hints: HintReport = new HintReport()): void {
  for (const field in body) {
    if (READ.has(field)) continue;
    const value = body[field];
    if (HINTS.has(field)) {
      // `store: false` asks for what a gateway does anyway; the other hints have no upstream equivalent.
      if (value !== null && value !== undefined && !(field === 'store' && value === false)) hints.drop(field);
      continue;
    }
    const rule = ownEntry(DEFAULT_ONLY, field);
    if (!rule) {
      throw errors.invalidBody(`unrecognized request argument '${field}' cannot be translated for this model`, field);
    }
    if (value !== null && value !== undefined && !rule.isDefault(value)) {
      throw errors.invalidBody(`'${field}' is not supported for this model: ${rule.why}`, field);
    }
  }
}
