/**
 * Top-level request fields the gateway reads, rewrites or routes on, in any of the three dialects. A key that
 * differs from one of these only in case ("MODEL", "Stream") is refused: the gateway reads the exact key, but
 * an upstream whose JSON decoder matches keys case-insensitively (Go's encoding/json, Jackson with
 * ACCEPT_CASE_INSENSITIVE_PROPERTIES, .NET's System.Text.Json option) could serve the variant instead, so the
 * gateway would route and bill one model while the upstream runs another.
 */
const GATEWAY_FIELDS = new Set([
  'model',
  'stream',
  'stream_options',
  'messages',
  'input',
  'instructions',
  'system',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_tokens',
  'max_completion_tokens',
  'max_output_tokens',
  'metadata',
  'user',
  'store',
  'previous_response_id',
  'service_tier',
  'thinking',
  'reasoning',
  'reasoning_effort',
  'response_format',
  'text',
  'temperature',
  'top_p',
  'top_k',
  'stop',
  'stop_sequences',
  'output_config',
  'dimensions',
  'encoding_format',
]);

/** Keys of lower-case ASCII letters, digits and underscores fold to themselves: no further work for them. */
const PLAIN_KEY = /^[a-z0-9_]*$/;

/**
 * A key as a case-insensitive decoder compares it. Upper-casing first catches the two non-ASCII letters
 * Unicode folds onto ASCII ones, the long s (U+017F, "ſtream") and the Kelvin sign (U+212A, "top_K").
 */
function folded(key: string): string {
  return key.toUpperCase().toLowerCase();
}

/**
 * The first top-level key that a case-insensitive decoder could confuse with another field: a case variant of a
 * field the gateway reads, or one of two keys that fold to the same name. Undefined for an ordinary body. Linear
 * in the number of keys; a body of plain lower-case keys costs one regular-expression test per key.
 */
export function caseVariantKey(body: Record<string, unknown>): { key: string; field: string } | undefined {
  const keys = Object.keys(body);
  if (keys.every((key) => PLAIN_KEY.test(key))) return undefined;
  const byName = new Map<string, string>();
  for (const key of keys) {
    const name = PLAIN_KEY.test(key) ? key : folded(key);
    if (name !== key && GATEWAY_FIELDS.has(name)) return { key, field: name };
    const earlier = byName.get(name);
    if (earlier !== undefined) return name === key ? { key: earlier, field: key } : { key, field: earlier };
    byName.set(name, key);
  }
  return undefined;
}
