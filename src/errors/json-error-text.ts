/**
 * V8's JSON errors quote the text they refuse (`Unexpected token 'h', "hello" is not valid JSON`): a request
 * body, or an upstream's answer, neither of which is ever echoed or recorded, not even a fragment, so only the
 * position survives.
 */
export function jsonErrorWithoutContent(message: string): string {
  if (/unexpected end/i.test(message)) return 'it ends before the JSON value does';
  const position = /at position (\d+)/.exec(message)?.[1];
  return position === undefined ? 'unexpected character' : `unexpected character at byte ${position}`;
}
