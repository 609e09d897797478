import { rememberedPerKey } from '../../runtime/remembered-per-key.js';

/**
 * Whether a name matches a glob (`*` any run of characters, `?` one, everything else literal), in time linear in
 * the name for each `*` at most. Not a RegExp: `^.*-.*-.*x$` (from `*-*-*x`) backtracks exponentially in the
 * stars, so a key holder's model name of 400 dashes held the event loop for seconds. On a mismatch after a `*`,
 * the star takes one more character and the rest of the pattern is tried again from there.
 */
export function globMatches(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    const char = pattern[p];
    if (char === '*') {
      star = p++;
      resume = n;
    } else if (char !== undefined && (char === '?' || char === name[n])) {
      p++;
      n++;
    } else if (star !== -1) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** How many model names a matcher with globs remembers the answer for (names come from clients: bounded). */
const MAX_REMEMBERED = 1_000;

/**
 * Whether a model name matches any of the patterns; plain names (the common case) skip the RegExp, and the
 * answer for a name a glob was tried on is remembered, so a client's every request does not run the RegExp again
 * (a key's `models: ['gpt-4o*']` is checked on each of its requests).
 */
export function modelMatcher(patterns: readonly string[]): (model: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.includes('*') && !p.includes('?')));
  const globs = patterns.filter((p) => !exact.has(p));
  const matchesGlob = rememberedPerKey((model) => globs.some((glob) => globMatches(glob, model)), MAX_REMEMBERED);
  return function matchesModel(model: string): boolean {
    if (exact.has(model)) return true;
    return globs.length > 0 && matchesGlob(model);
  };
}
