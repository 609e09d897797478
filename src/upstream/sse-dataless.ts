import { eventSpanAt } from './sse-event-span.js';
import { parseSseEvents } from './sse-parse.js';

/** Where an event runs in a block of complete events (its start, and just past its blank line). */
export interface EventSpan {
  start: number;
  end: number;
}

/**
 * Adds to `spans` (kept in order) the events of `text` that have an `event:` line but no data: SSE dispatches
 * nothing for them, but the OpenAI SDK parses their empty data as JSON and fails the whole stream ('Unexpected
 * end of JSON input'), so a relay does not pass them on.
 */
export function datalessEvents(text: string, spans: EventSpan[]): void {
  for (let at = text.startsWith('event:') ? 0 : nextEventLine(text, 0); at !== -1; ) {
    const span = eventSpanAt(text, at);
    const listed = spans.some((listedSpan) => listedSpan.start === span.start);
    if (!listed && parseSseEvents(text.slice(span.start, span.end)).length === 0) spans.push(span);
    at = nextEventLine(text, Math.max(span.end, at + 1));
  }
  spans.sort((a, b) => a.start - b.start);
}

/**
 * Whether a block of whole events has a line that starts with `event:` (the first, or one after an LF, or after
 * a lone CR: SSE ends lines with CRLF, LF or CR). Searched as `\nevent`, one character short of V8's Boyer-Moore
 * threshold (7): a shorter pattern is found by memchr for its first character, an LF, which a Chat block has two
 * of per event; `'\nevent:'` built a Boyer-Moore-Horspool table on every call, ~7k instructions a
 * passed-through stream of 23 reads (bench/chat-tap-work.mjs). `\revent` is searched only in a block that ends
 * in a CR, as a CR-only stream's blocks do: searched in every block, it cost the tap ~6.7k instructions a stream.
 */
export function hasEventLine(text: string): boolean {
  if (text.startsWith('event:') || hasEventAfter(text, '\nevent')) return true;
  return text.charCodeAt(text.length - 1) === 0x0d /* CR */ && hasEventAfter(text, '\revent');
}

function hasEventAfter(text: string, lineEndAndEvent: string): boolean {
  for (let at = text.indexOf(lineEndAndEvent); at !== -1; at = text.indexOf(lineEndAndEvent, at + 6)) {
    if (text.charCodeAt(at + 6) === 0x3a /* : */) return true;
  }
  return false;
}

/** Where the next line that starts with `event:` (after an LF or a CR) begins, at or after `from`; -1 if none. */
function nextEventLine(text: string, from: number): number {
  const start = Math.max(0, from - 1);
  const afterLf = text.indexOf('\nevent:', start);
  const afterCr = text.indexOf('\revent:', start);
  const found = afterLf === -1 ? afterCr : afterCr === -1 ? afterLf : Math.min(afterLf, afterCr);
  return found === -1 ? -1 : found + 1;
}

/** `bytes` without the ordered, non-overlapping `spans`. */
export function withoutSpans(bytes: Buffer, spans: readonly EventSpan[]): Buffer {
  const kept: Buffer[] = [];
  let from = 0;
  for (const span of spans) {
    if (span.start > from) kept.push(bytes.subarray(from, span.start));
    from = span.end;
  }
  if (from < bytes.length) kept.push(bytes.subarray(from));
  return Buffer.concat(kept);
}
