/** Keys whose values are media, never prompt text: Anthropic/Gemini base64 `data`, a Responses `file_data`. */
const MEDIA_KEYS = new Set(['data', 'file_data', 'image_url', 'inline_data', 'inlineData']);
/** Keys that say how to answer, not what was asked (short, but a long `model` name must not count). */
const SETTING_KEYS = new Set(['model', 'stream', 'stream_options', 'metadata', 'user', 'service_tier']);
/** Added per message for its role and framing, as the providers' own counts do. */
const PER_MESSAGE_TOKENS = 4;

/**
 * The input tokens of a request body, estimated for a stream that ended before its upstream reported usage
 * (OpenAI-compatible APIs report it in the last chunk only): about four characters a token of the prompt's
 * text, tool definitions included, with media (base64 images, data URLs) left out rather than counted as text.
 * Runs only on that path, never for a request that completes. 0 when the body is not JSON.
 */
export function estimatePromptTokens(raw: Uint8Array | undefined): number {
  if (raw === undefined || raw.length === 0) return 0;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
  } catch {
    return 0;
  }
  let characters = 0;
  let messages = 0;
  // Iterative: a client may nest JSON deeper than the call stack allows.
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (!value.startsWith('data:')) characters += value.length;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (value !== null && typeof value === 'object') {
      if ('role' in value) messages++;
      for (const [key, item] of Object.entries(value)) {
        if (!MEDIA_KEYS.has(key) && !SETTING_KEYS.has(key)) pending.push(item);
      }
    }
  }
  return Math.ceil(characters / 4) + messages * PER_MESSAGE_TOKENS;
}
