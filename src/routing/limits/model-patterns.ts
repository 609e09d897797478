import { rememberedPerKey } from '../../runtime/remembered-per-key.js';

/** A glob (`*` any run of characters, `?` one character, everything else literal) as an anchored RegExp. */
export function globRegExp(pattern: string): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
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
  const globs = patterns.filter((p) => !exact.has(p)).map(globRegExp);
  const matchesGlob = rememberedPerKey((model) => globs.some((glob) => glob.test(model)), MAX_REMEMBERED);
  return function matchesModel(model: string): boolean {
    if (exact.has(model)) return true;
    return globs.length > 0 && matchesGlob(model);
  };
}
