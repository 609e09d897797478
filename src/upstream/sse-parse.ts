/** One server-sent event. */
export interface SseEvent {
  event: string | undefined;
  data: string;
  id?: string | undefined;
}

/**
 * Parses a block of complete SSE text (one or more events ending in blank lines) into events, following the
 * HTML spec's field rules: `data` lines join with "\n", comment lines (":") are ignored.
 */
export function parseSseEvents(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  let event: string | undefined;
  let id: string | undefined;
  let data: string[] = [];
  let hasData = false;
  // Providers end lines with LF; splitting on a plain string is several times cheaper than the CR/CRLF regex.
  const lines = text.includes('\r') ? text.split(/\r\n|\r|\n/) : text.split('\n');
  for (const line of lines) {
    if (line === '') {
      if (hasData) events.push({ event, data: data.join('\n'), id });
      event = undefined;
      id = undefined;
      data = [];
      hasData = false;
      continue;
    }
    if (line.charCodeAt(0) === 58 /* : */) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') {
      data.push(value);
      hasData = true;
    } else if (field === 'event') event = value;
    else if (field === 'id') id = value;
  }
  if (hasData) events.push({ event, data: data.join('\n'), id });
  return events;
}
