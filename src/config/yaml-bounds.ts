import type { ConfigProblem } from './semantic-checks.js';

/**
 * Flow collections (`[...]`, `{...}`) nested deeper than this are refused before the YAML parser sees them: the
 * parser's cost grows steeply with flow depth (a few KB of unclosed `[` held the event loop for 0.3–1 s, the
 * parser running out of stack hundreds of times), and no config needs more than a handful of levels.
 */
export const MAX_FLOW_DEPTH = 64;

/**
 * Characters after which `[`, `{` or a quote begins a value rather than sitting inside a plain scalar: in block
 * context (outside any flow collection) only after an indicator or a space; inside one, after a flow indicator too.
 */
const BLOCK_VALUE_START = new Set(['\n', ' ', '\t', ':', '-', '?']);
const FLOW_VALUE_START = new Set([...BLOCK_VALUE_START, ',', '[', '{']);

/**
 * The deepest flow nesting of a YAML text, found by one linear scan that skips comments and quoted strings; a
 * bracket inside a plain scalar at block level (`pattern: a[0-9]`) does not count. Stops once past `limit`.
 */
export function flowDepth(text: string, limit = MAX_FLOW_DEPTH): { depth: number; line: number } {
  let depth = 0;
  let deepest = 0;
  let line = 1;
  let deepestLine = 1;
  let previous = '\n';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\n') line++;
    const atValueStart = (depth > 0 ? FLOW_VALUE_START : BLOCK_VALUE_START).has(previous);
    if (char === '#' && (previous === '\n' || previous === ' ' || previous === '\t')) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if ((char === '"' || char === "'") && atValueStart) {
      i = closingQuote(text, i, char);
      previous = char;
      continue;
    } else if ((char === '[' || char === '{') && atValueStart) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        deepestLine = line;
        if (deepest > limit) break;
      }
    } else if ((char === ']' || char === '}') && depth > 0) depth--;
    if (char !== ' ' && char !== '\t') previous = char;
    else if (previous !== '\n') previous = char;
  }
  return { depth: deepest, line: deepestLine };
}

/** The index of the quote that closes the one at `start` (YAML: `''` escapes a single quote, `\` in double). */
function closingQuote(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i];
    if (quote === '"' && char === '\\') i++;
    else if (char === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return text.length;
}

/** A problem when the text nests flow collections deeper than the parser should be asked to handle. */
export function flowDepthProblem(text: string, sourceName: string): ConfigProblem | undefined {
  const { depth, line } = flowDepth(text);
  if (depth <= MAX_FLOW_DEPTH) return undefined;
  return {
    path: `${sourceName}:${line}`,
    message: `flow collections ([...] or {...}) are nested more than ${MAX_FLOW_DEPTH} levels deep`,
  };
}
