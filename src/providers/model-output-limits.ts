import { rememberedPerKey } from '../runtime/remembered-per-key.js';

/**
 * The most output tokens known models may produce, by upstream model name: the output limit sent to a provider
 * that requires one (Anthropic) when the client gave none. Clients of the other dialects (Codex among them)
 * often send no limit and expect the model's own, so a fixed default would cut a coding agent's answer short.
 * A provider's `max_output_tokens` (by upstream model) overrides this table, and `default_max_tokens` covers
 * models it does not list. Names match exactly or by prefix (dated snapshots: `claude-sonnet-4-5-20250929`);
 * the longest matching prefix wins. Figures are the providers' published maximums.
 */
const MAX_OUTPUT_TOKENS: ReadonlyArray<readonly [prefix: string, tokens: number]> = [
  ['claude-opus-4-6', 128_000],
  ['claude-opus-4-5', 64_000],
  ['claude-opus-4-1', 32_000],
  ['claude-opus-4', 32_000],
  ['claude-sonnet-4-6', 64_000],
  ['claude-sonnet-4-5', 64_000],
  ['claude-sonnet-4', 64_000],
  ['claude-haiku-4-5', 64_000],
  ['claude-3-7-sonnet', 64_000],
  ['claude-3-5-sonnet', 8_192],
  ['claude-3-5-haiku', 8_192],
  ['claude-3-opus', 4_096],
  ['claude-3-haiku', 4_096],
  ['gpt-5', 128_000],
  ['gpt-4.1', 32_768],
  ['gpt-4o', 16_384],
  ['o3', 100_000],
  ['o4-mini', 100_000],
  ['deepseek-chat', 8_192],
  ['deepseek-reasoner', 65_536],
];

/**
 * The published maximum output of `model`, when the table knows it. Each translated request asks for its target
 * model's figure: the table is scanned once per model.
 */
export const knownMaxOutputTokens: (model: string) => number | undefined = rememberedPerKey(longestPrefixMatch, 1_024);

function longestPrefixMatch(model: string): number | undefined {
  let best: readonly [string, number] | undefined;
  for (const entry of MAX_OUTPUT_TOKENS) {
    const [prefix] = entry;
    if (
      (model === prefix || model.startsWith(`${prefix}-`) || model.startsWith(`${prefix}.`)) &&
      (!best || prefix.length > best[0].length)
    ) {
      best = entry;
    }
  }
  return best?.[1];
}
