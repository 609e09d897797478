import { errors } from '../../errors/codes.js';
import { ownEntry } from '../shared/own-entry.js';
import { asArray, asObject, type Json, optBoolean, optNumber } from './field-readers.js';

/**
 * What happens to each top-level Responses field that is not translated into the IR. The gateway is stateless
 * (it answers `store: false`), so fields that need OpenAI's server-side state are rejected with a message
 * saying so. Pure hints are accepted and dropped: `store`, `include` (encrypted reasoning is always included),
 * `metadata` (echoed back, never stored), `stream_options`, the prompt-cache hints (`prompt_cache_key`,
 * `prompt_cache_retention`, `prompt_cache_options`), `service_tier` and `truncation: "disabled"`.
 * Unknown fields are rejected by name.
 */
type FieldRule = (value: unknown, body: Json) => void;

/** Read and checked by the parser itself. */
const translated: FieldRule = () => {};
/** A hint the gateway drops (documented above). */
const hint: FieldRule = () => {};

function statelessOnly(name: string, what: string): FieldRule {
  return (value) => {
    if (value === undefined || value === null) return;
    throw errors.invalidBody(
      `${name} is not supported: this gateway is stateless and stores no ${what}; send the full conversation in 'input' instead`,
      name,
    );
  };
}

function openAiOnly(name: string, what: string): FieldRule {
  return (value) => {
    if (value === undefined || value === null) return;
    throw errors.invalidBody(
      `${name} is not supported: ${what} run inside OpenAI and cannot be passed to the upstream`,
      name,
    );
  };
}

const FIELD_RULES: Readonly<Record<string, FieldRule>> = {
  model: translated,
  input: translated,
  instructions: translated,
  tools: translated,
  tool_choice: translated,
  parallel_tool_calls: translated,
  max_output_tokens: translated,
  temperature: translated,
  top_p: translated,
  text: translated,
  reasoning: translated,
  stream: translated,
  user: translated,
  safety_identifier: translated,
  previous_response_id: statelessOnly('previous_response_id', 'previous responses'),
  conversation: statelessOnly('conversation', 'conversations'),
  prompt: statelessOnly('prompt', 'prompt templates'),
  context_management: statelessOnly('context_management', 'compacted context'),
  moderation: openAiOnly('moderation', 'moderated completions'),
  background: (_value, body) => {
    if (optBoolean(body, 'background', '') !== true) return;
    throw errors.invalidBody(
      'background responses are not supported: this gateway is stateless and cannot keep a response to poll later; send the request without background and keep the connection open (stream: true works)',
      'background',
    );
  },
  top_logprobs: (_value, body) => {
    if ((optNumber(body, 'top_logprobs', '') ?? 0) === 0) return;
    throw errors.invalidBody(
      'top_logprobs is not supported: log probabilities cannot be translated from the upstream',
      'top_logprobs',
    );
  },
  truncation: (value) => {
    if (value === undefined || value === null || value === 'disabled') return;
    throw errors.invalidBody(
      `truncation '${String(value)}' is not supported: the gateway never drops input items; trim the input yourself or use 'disabled'`,
      'truncation',
    );
  },
  include: checkInclude,
  store: (_value, body) => void optBoolean(body, 'store', ''),
  metadata: (value) => {
    if (value !== undefined && value !== null) asObject(value, 'metadata');
  },
  stream_options: (value) => {
    if (value !== undefined && value !== null) asObject(value, 'stream_options');
  },
  prompt_cache_key: hint,
  prompt_cache_retention: hint,
  prompt_cache_options: hint,
  service_tier: hint,
};

function checkInclude(value: unknown): void {
  if (value === undefined || value === null) return;
  asArray(value, 'include').forEach((entry, index) => {
    if (entry === 'message.output_text.logprobs') {
      throw errors.invalidBody(
        'including message.output_text.logprobs is not supported: log probabilities cannot be translated from the upstream',
        `include[${index}]`,
      );
    }
  });
}

/** Applies the rule of every top-level field; throws a 400 naming the first field that cannot be honoured. */
export function checkTopLevelFields(body: Json): void {
  for (const [name, value] of Object.entries(body)) {
    const rule = ownEntry(FIELD_RULES, name);
    if (!rule) {
      throw errors.invalidBody(
        `unknown parameter '${name}': it is not a Responses API field this gateway can translate`,
        name,
      );
    }
    rule(value, body);
  }
}
