import { parseAnthropicRequest } from '../../translate/anthropic/request-from-client.js';
import { inputTokenParts } from '../../translate/ir/token-estimate.js';
import { countTextsInSlices } from './sliced-count.js';

type CountText = (text: string) => number;

const COUNTED_FIELDS = ['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking'] as const;
let tokenizer: Promise<CountText> | undefined;

/** o200k_base, loaded on first use only: it costs ~200 ms and tens of MB, and the chat path never needs it. */
function loadTokenizer(): Promise<CountText> {
  tokenizer ??= import('gpt-tokenizer/encoding/o200k_base').then(
    (module) => (text: string) => module.countTokens(text),
  );
  return tokenizer;
}

/**
 * The local estimate of a count_tokens request's input tokens (throws the parser's 400 for a malformed request).
 * Pure but for the tokenizer: it runs on the parser thread only (src/api/anthropic/count-tokens.ts says why).
 */
export async function estimateInputTokens(body: Readonly<Record<string, unknown>>): Promise<number> {
  // Only the fields that carry input count; count_tokens takes no max_tokens, so the parser gets one that any
  // thinking budget fits under. Fields an estimate cannot use (e.g. context_management) are ignored, not refused.
  const counted: Record<string, unknown> = { max_tokens: Number.MAX_SAFE_INTEGER };
  for (const field of COUNTED_FIELDS) if (body[field] !== undefined) counted[field] = body[field];
  const request = parseAnthropicRequest(counted);
  const count = await loadTokenizer();
  // Tokenizing is ~40 µs per KB: counted in slices, a large body never holds up other requests.
  const { overhead, texts } = inputTokenParts(request);
  return overhead + (await countTextsInSlices(texts, count));
}
