/** One server-sent event. */
export interface SseEvent {
  event: string | undefined;
  data: string;
  id?: string | undefined;
}

/**
 * Whether a CR in `text` ends a line by itself (not followed by an LF). One `indexOf` per CR: Google ends every
 * line with CRLF, and a regex (`/\r(?!\n)/`) walked the whole block character by character for each read,
 * about as much as the rest of the parse.
 */
function hasLoneCr(text: string): boolean {
  for (let cr = text.indexOf('\r'); cr !== -1; cr = text.indexOf('\r', cr + 1)) {
    if (text.charCodeAt(cr + 1) !== 10 /* \n */) return true;
  }
  return false;
}

/**
 * Parses a block of complete SSE text (one or more events ending in blank lines) into events, following the
 * HTML spec's field rules: `data` lines join with "\n", comment lines (":") are ignored.
 */
export function parseSseEvents(block: string): SseEvent[] {
  // Providers end lines with LF, or CRLF (Google): a CR before an LF is dropped as each line is read, and only
  // a block with a CR alone as a line end (rare) is normalised first.
  const text = hasLoneCr(block) ? block.replace(/\r\n?/g, '\n') : block;
  const events: SseEvent[] = [];
  let event: string | undefined;
  let id: string | undefined;
  let data: string | undefined;
  // Scanning with indexOf instead of splitting into lines: this runs for every event of a translated stream.
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const lineEnd = newline === -1 ? text.length : newline;
    const end = lineEnd > start && text.charCodeAt(lineEnd - 1) === 13 /* \r */ ? lineEnd - 1 : lineEnd;
    if (end === start) {
      if (data !== undefined) events.push({ event, data, id });
      event = undefined;
      id = undefined;
      data = undefined;
    } else if (text.charCodeAt(start) !== 58 /* : */) {
      const found = text.indexOf(':', start);
      const colon = found === -1 || found > end ? end : found;
      const valueStart = colon < end && text.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
      const value = colon < end ? text.slice(valueStart, end) : '';
      const fieldLength = colon - start;
      if (fieldLength === 4 && text.startsWith('data', start)) data = data === undefined ? value : `${data}\n${value}`;
      else if (fieldLength === 5 && text.startsWith('event', start)) event = value;
      else if (fieldLength === 2 && text.startsWith('id', start)) id = value;
    }
    start = lineEnd + 1;
  }
  if (data !== undefined) events.push({ event, data, id });
  return events;
}
