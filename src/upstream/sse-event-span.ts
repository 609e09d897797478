const LF = 10;
const CR = 13;

const isTerminator = (code: number) => code === LF || code === CR;

/** Line terminators in `text[from, to)`, all CR or LF characters, with CRLF counted as one. */
function terminatorCount(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    if (text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF && i + 1 < to) i++;
    count++;
  }
  return count;
}

/**
 * The span `[start, end)` of the SSE event that contains offset `at`, in a block of text that begins at an
 * event boundary: from just past the blank line before it to just past the blank line that ends it (or the
 * block's ends). A blank line is two line terminators in a row, in any of SSE's LF, CRLF and CR forms.
 * Used on the latin1 view of a Buffer, whose offsets are the Buffer's byte offsets.
 */
export function eventSpanAt(text: string, at: number): { start: number; end: number } {
  let start = 0;
  for (let i = at - 1; i >= 0; i--) {
    if (!isTerminator(text.charCodeAt(i))) continue;
    let runStart = i;
    while (runStart > 0 && isTerminator(text.charCodeAt(runStart - 1))) runStart--;
    if (terminatorCount(text, runStart, i + 1) >= 2) {
      start = i + 1;
      break;
    }
    i = runStart;
  }
  let end = text.length;
  for (let i = at; i < text.length; i++) {
    if (!isTerminator(text.charCodeAt(i))) continue;
    let runEnd = i + 1;
    while (runEnd < text.length && isTerminator(text.charCodeAt(runEnd))) runEnd++;
    if (terminatorCount(text, i, runEnd) >= 2) {
      end = runEnd;
      break;
    }
    i = runEnd - 1;
  }
  return { start, end };
}
