/**
 * Edits a JSON request body as bytes, so a same-dialect request goes upstream exactly as the client wrote it
 * (unknown fields, number formatting, big integers and key order intact) except for the one field the gateway
 * must change. The body has already been validated by JSON.parse; these functions only locate tokens in it.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(raw: Buffer, index: number): number {
  let i = index;
  while (isSpace(raw[i])) i++;
  return i;
}

/** Index of the quote that closes the string opened at `start`. */
function stringEnd(raw: Buffer, start: number): number {
  let quote = raw.indexOf(QUOTE, start + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (raw[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = raw.indexOf(QUOTE, quote + 1);
  }
  return raw.length;
}

/** Byte span of a string value that follows the key token ending at `keyEnd` ("key" -> : -> "value"). */
function stringValueAfterKey(raw: Buffer, keyEnd: number): [number, number] | undefined {
  const colon = skipSpace(raw, keyEnd + 1);
  if (raw[colon] !== COLON) return undefined;
  const start = skipSpace(raw, colon + 1);
  if (raw[start] !== QUOTE) return undefined;
  return [start, stringEnd(raw, start) + 1];
}

/** Walks the top level of an object, hopping over strings with indexOf; returns the LAST `key` (as JSON.parse keeps). */
function lastTopLevelKey(raw: Buffer, keyToken: Buffer): [number, number] | undefined {
  let depth = 0;
  let found: [number, number] | undefined;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === QUOTE) {
      const end = stringEnd(raw, i);
      if (
        depth === 1 &&
        end - i + 1 === keyToken.length &&
        raw.compare(keyToken, 0, keyToken.length, i, end + 1) === 0
      ) {
        found = stringValueAfterKey(raw, end) ?? found;
      }
      i = end;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
  }
  return found;
}

/** The JSON tokens of the keys looked for (a handful, named in code): made once, not per request. */
const keyTokens = new Map<string, Buffer>();

function keyToken(key: string): Buffer {
  let token = keyTokens.get(key);
  if (token === undefined) {
    token = Buffer.from(JSON.stringify(key));
    keyTokens.set(key, token);
  }
  return token;
}

/**
 * The span of the top-level string field `key`. A literal `"key"` token cannot occur inside a JSON string (its
 * quotes would be escaped), so when the token occurs once it is the top-level key and no walk is needed.
 */
function topLevelStringSpan(raw: Buffer, key: string): [number, number] | undefined {
  const token = keyToken(key);
  const first = raw.indexOf(token);
  if (first === -1) return undefined;
  if (raw.indexOf(token, first + 1) === -1) return stringValueAfterKey(raw, first + token.length - 1);
  return lastTopLevelKey(raw, token);
}

/** One change to a body: the bytes `[start, end)` replaced by `text` (an insertion when start === end). */
export interface BodyEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * The edit that sets the top-level string `key` to `value`, or undefined when the bytes do not hold that field
 * in the expected form (e.g. the key written with escapes); callers then re-serialise instead.
 */
export function topLevelStringEdit(raw: Buffer, key: string, current: string, value: string): BodyEdit | undefined {
  const span = topLevelStringSpan(raw, key);
  if (!span) return undefined;
  const [start, end] = span;
  if (JSON.parse(raw.toString('utf8', start, end)) !== current) return undefined;
  return { start, end, text: JSON.stringify(value) };
}

/** The edit that inserts `"key":<json>,` as the first member of the top-level object (the key must not be present). */
export function prependEdit(raw: Buffer, key: string, json: string): BodyEdit | undefined {
  const open = skipSpace(raw, 0);
  if (raw[open] !== OPEN_BRACE) return undefined;
  const next = skipSpace(raw, open + 1);
  const separator = raw[next] === CLOSE_BRACE ? '' : ',';
  return { start: open + 1, end: open + 1, text: `${JSON.stringify(key)}:${json}${separator}` };
}

/**
 * `raw` with `edits` applied (in order of position, not overlapping), written into one new buffer: the body is
 * copied once, with no buffer per piece.
 */
export function editedBody(raw: Buffer, edits: readonly BodyEdit[]): Buffer {
  let size = raw.length;
  for (const edit of edits) size += Buffer.byteLength(edit.text) - (edit.end - edit.start);
  const out = Buffer.allocUnsafe(size);
  let from = 0;
  let at = 0;
  for (const edit of edits) {
    at += raw.copy(out, at, from, edit.start);
    at += out.write(edit.text, at);
    from = edit.end;
  }
  raw.copy(out, at, from);
  return out;
}

/**
 * Returns the body with the top-level string `key` set to `value`, or undefined when the bytes do not hold that
 * field in the expected form (e.g. the key written with escapes); callers then re-serialise instead.
 */
export function replaceTopLevelString(raw: Buffer, key: string, current: string, value: string): Buffer | undefined {
  const edit = topLevelStringEdit(raw, key, current, value);
  return edit && editedBody(raw, [edit]);
}

/** Inserts `"key":<json>,` as the first member of the top-level object (the key must not be present). */
export function prependTopLevelField(raw: Buffer, key: string, json: string): Buffer | undefined {
  const edit = prependEdit(raw, key, json);
  return edit && editedBody(raw, [edit]);
}
