/**
 * A JSON string literal that is valid as written: no raw control characters, only the escapes JSON allows.
 * Stream decoders match the few event shapes that make up most of a stream with it, so a text delta can be
 * copied into the client's event as it arrived instead of being parsed and serialised again.
 */
export const JSON_STRING_LITERAL = String.raw`"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"`;

/** The text of a literal matched by JSON_STRING_LITERAL; most deltas have no escapes and need no parse. */
export function textOfLiteral(literal: string): string {
  return literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
}
