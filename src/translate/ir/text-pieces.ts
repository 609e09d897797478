/**
 * Longest piece of text handed to the tokenizer at once. Byte-pair encoding is quadratic in the length of a
 * word (a 16,000-letter word takes ~0.5 s, a 256 KB one ~40 s), so text is cut into pieces no longer than
 * this, at a space where there is one (a cut before a space leaves o200k's pre-tokens as they were).
 * A 512-character word costs ~0.1 ms.
 */
export const MAX_PIECE = 512;

/** Cuts `text` into pieces of at most `MAX_PIECE` characters, preferring to cut before whitespace. */
export function* textPieces(text: string, max = MAX_PIECE): Generator<string> {
  let start = 0;
  while (text.length - start > max) {
    let cut = start + max;
    for (let i = cut; i > start + max / 2; i--) {
      const code = text.charCodeAt(i);
      if (code === 32 || code === 10 || code === 9 || code === 13) {
        cut = i;
        break;
      }
    }
    // Never split a surrogate pair: the halves would each count as an unknown character.
    if (isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
    yield text.slice(start, cut);
    start = cut;
  }
  if (start < text.length) yield start === 0 ? text : text.slice(start);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
