import { parseSseEvents } from './sse-parse.js';

const BLANK_LINE = Buffer.from('\n\n');

/**
 * What a same-dialect relay forwards of the bytes left after the upstream's last blank line (a stream closed
 * inside its last event): that event ended by a blank line when its data is whole (JSON, or `[DONE]`), so
 * whatever the gateway writes next, its own error event, stays an event of its own instead of being glued
 * onto it (the SDKs then fail with a JSON SyntaxError, not the error); nothing when the data was cut short,
 * which the SSE spec has a client discard at the end of a stream anyway.
 */
export function forwardedTail(rest: Buffer): Buffer | undefined {
  const events = parseSseEvents(rest.toString('utf8'));
  if (events.length === 0 || !events.every((event) => isWholeData(event.data))) return undefined;
  return Buffer.concat([rest, BLANK_LINE]);
}

function isWholeData(data: string): boolean {
  if (data === '[DONE]') return true;
  try {
    JSON.parse(data);
    return true;
  } catch {
    return false;
  }
}
