import { errors } from '../../errors/codes.js';
import { HintReport } from '../shared/hint-report.js';
import { ownEntry } from '../shared/own-entry.js';
import { asArray, asObject, type Json, optBoolean } from './field-readers.js';

/**
 * What happens to each top-level Responses field that is not translated into the IR. The gateway keeps stored
 * responses (`store`, `previous_response_id`: resolved by the entry point, see api/responses/stateful-turn.ts)
 * but no other server-side state, so fields that need OpenAI's conversations, prompts, compaction or background
 * runs are rejected with a message saying so. `top_logprobs` and the `message.output_text.logprobs` include item are
 * translated (request-from-client.ts). Hints are accepted: `include` is honoured (encrypted reasoning is
 * always included), `truncation: "disabled"` is what the gateway does anyway, and `stream_options` has nothing
 * to carry. Dropped and reported (hint-report.ts): `truncation: "auto"` (the gateway never trims the input), `metadata` (echoed back, never forwarded), the prompt-cache
 * hints (`prompt_cache_key`, `prompt_cache_retention`, `prompt_cache_options`), `service_tier`, `max_tool_calls`, and
 * `client_metadata` (Codex's per-turn bookkeeping), which strict translation refuses. Unknown fields are
 * rejected by name.
 */
type FieldRule = (value: unknown, body: Json, hints: HintReport) => void;

/** Read and checked by the parser itself. */
const translated: FieldRule = () => {};

/** A hint with no upstream equivalent: dropped and reported when set. */
function reported(name: string): FieldRule {
  return (value, _body, hints) => {
    if (value !== undefined && value !== null) hints.drop(name);
  };
}

function statelessOnly(name: string, what: string): FieldRule {
  return (value) => {
    if (value === undefined || value === null) return;
    throw errors.invalidBody(
      `${name} is not supported: this gateway stores no ${what}; chain turns with previous_response_id or send the full conversation in 'input'`,
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
  /** The entry point has already replaced `input` with the stored chain; only the echo reads it. */
  previous_response_id: (value) => {
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw errors.invalidBody("'previous_response_id' must be a string", 'previous_response_id');
    }
  },
  conversation: statelessOnly('conversation', 'conversations'),
  prompt: statelessOnly('prompt', 'prompt templates'),
  context_management: statelessOnly('context_management', 'compacted context'),
  moderation: openAiOnly('moderation', 'moderated completions'),
  background: (_value, body) => {
    if (optBoolean(body, 'background', '') !== true) return;
    throw errors.invalidBody(
      'background responses are not supported: this gateway runs a response only while its request is open, so there is nothing to poll later; send the request without background and keep the connection open (stream: true works)',
      'background',
    );
  },
  top_logprobs: translated,
  /**
   * `auto` only permits dropping context when it would overflow the window. Not acting on it answers exactly as
   * `disabled` does until the context overflows, and then the upstream's context error reaches the client: a hint.
   */
  truncation: (value, _body, hints) => {
    if (value === undefined || value === null || value === 'disabled') return;
    if (value === 'auto') {
      hints.drop('truncation');
      return;
    }
    throw errors.invalidBody(`truncation '${String(value)}' is not supported; use 'auto' or 'disabled'`, 'truncation');
  },
  include: (value) => {
    if (value !== undefined && value !== null) asArray(value, 'include');
  },
  store: (_value, body) => void optBoolean(body, 'store', ''),
  metadata: (value, _body, hints) => {
    if (value === undefined || value === null) return;
    asObject(value, 'metadata');
    hints.drop('metadata');
  },
  client_metadata: (value, _body, hints) => {
    if (value === undefined || value === null) return;
    asObject(value, 'client_metadata');
    hints.dropUnlessStrict('client_metadata', () =>
      errors.invalidBody(
        "unknown parameter 'client_metadata': it is not a Responses API field this gateway can translate",
        'client_metadata',
      ),
    );
  },
  stream_options: (value) => {
    if (value !== undefined && value !== null) asObject(value, 'stream_options');
  },
  prompt_cache_key: reported('prompt_cache_key'),
  prompt_cache_retention: reported('prompt_cache_retention'),
  prompt_cache_options: reported('prompt_cache_options'),
  service_tier: reported('service_tier'),
  /**
   * Bounds calls to OpenAI's built-in (hosted) tools, which run inside OpenAI. They never reach a translated
   * upstream (tools-from-client.ts: web search is dropped and reported, the rest refused), so the bound has
   * nothing to act on.
   */
  max_tool_calls: reported('max_tool_calls'),
};

/** Applies the rule of every top-level field; throws a 400 naming the first field that cannot be honoured. */
export function checkTopLevelFields(body: Json, hints: HintReport = new HintReport()): void {
  for (const [name, value] of Object.entries(body)) {
    const rule = ownEntry(FIELD_RULES, name);
    if (!rule) {
      throw errors.invalidBody(
        `unknown parameter '${name}': it is not a Responses API field this gateway can translate`,
        name,
      );
    }
    rule(value, body, hints);
  }
}
