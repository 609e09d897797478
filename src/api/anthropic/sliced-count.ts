import { setImmediate as nextTurn } from 'node:timers/promises';
import { textPieces } from '../../translate/ir/text-pieces.js';
import type { CountText } from '../../translate/ir/token-estimate.js';

export interface SliceLimits {
  /** Longest the tokenizer runs before other requests get the event loop back. */
  sliceMs: number;
  /** Tokenizer time one request may use; text beyond it is estimated from its length. */
  budgetMs: number;
  now?: () => number;
  yieldTurn?: () => Promise<unknown>;
}

export const DEFAULT_SLICE_LIMITS: SliceLimits = { sliceMs: 4, budgetMs: 500 };

/** o200k_base averages about four characters per token on English text. */
const CHARS_PER_TOKEN = 4;

/**
 * Counts the tokens of `texts` in slices of at most `sliceMs`, yielding to the event loop between slices, so a
 * 10 MiB body to count never holds up other requests. Past `budgetMs` of counting, the rest is estimated by
 * its length: the answer stays an estimate, and the cost of one request is bounded.
 */
export async function countTextsInSlices(
  texts: readonly string[],
  count: CountText,
  limits: SliceLimits = DEFAULT_SLICE_LIMITS,
): Promise<number> {
  const now = limits.now ?? (() => performance.now());
  const yieldTurn = limits.yieldTurn ?? (() => nextTurn());
  let total = 0;
  let spent = 0;
  let sliceStart = now();
  for (const text of texts) {
    let counted = 0;
    for (const piece of textPieces(text)) {
      if (spent + (now() - sliceStart) >= limits.budgetMs) {
        total += Math.ceil((text.length - counted) / CHARS_PER_TOKEN);
        counted = text.length;
        break;
      }
      total += count(piece);
      counted += piece.length;
      const elapsed = now() - sliceStart;
      if (elapsed >= limits.sliceMs) {
        spent += elapsed;
        await yieldTurn();
        sliceStart = now();
      }
    }
  }
  return total;
}
