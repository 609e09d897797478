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

/** Whether a model name matches any of the patterns; plain names (the common case) skip the RegExp. */
export function modelMatcher(patterns: readonly string[]): (model: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.includes('*') && !p.includes('?')));
  const globs = patterns.filter((p) => !exact.has(p)).map(globRegExp);
  return function matchesModel(model: string): boolean {
    if (exact.has(model)) return true;
    for (const glob of globs) if (glob.test(model)) return true;
    return false;
  };
}
