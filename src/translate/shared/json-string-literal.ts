/**
 * A JSON string literal that is valid as written: no raw control characters, only the escapes JSON allows.
 * Stream decoders match the few event shapes that make up most of a stream with it, so a text delta can be
 * copied into the client's event as it arrived instead of being parsed and serialised again.
 */
export const JSON_STRING_LITERAL = String.raw`"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"`;

const WHOLE_LITERAL = new RegExp(`^${JSON_STRING_LITERAL}$`);

/** Whether `text` is exactly one literal as JSON_STRING_LITERAL defines it; one with no escape is checked in a loop. */
export function isJsonStringLiteral(text: string): boolean {
  const last = text.length - 1;
  if (last < 1 || text.charCodeAt(0) !== 34 /* " */ || text.charCodeAt(last) !== 34) return false;
  for (let i = 1; i < last; i++) {
    const code = text.charCodeAt(i);
    if (code === 92 /* \ */) return WHOLE_LITERAL.test(text);
    if (code === 34 || code < 0x20) return false;
  }
  return true;
}

/** The text of a literal matched by JSON_STRING_LITERAL; most deltas have no escapes and need no parse. */
export function textOfLiteral(literal: string): string {
  return literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
}
