import { describe, expect, it } from 'vitest';
import { datalessEvents, type EventSpan, hasEventLine } from './sse-dataless.js';

describe('hasEventLine', () => {
  it('finds a line that starts with event:, first or after an LF, and nothing else', () => {
    expect(hasEventLine('event: ping\n\n')).toBe(true);
    expect(hasEventLine('data: {"a":1}\n\nevent: ping\n\n')).toBe(true);
    expect(hasEventLine('data: {"a":1}\r\n\r\nevent: ping\r\n\r\n')).toBe(true);
    // Lines that merely begin like one, and event: inside a data line's JSON.
    expect(hasEventLine('data: {"a":1}\n\neventual: x\n\nevents: y\n\n')).toBe(false);
    expect(hasEventLine('data: {"content":"\\nevent: no"}\n\n')).toBe(false);
    expect(hasEventLine('data: x\n\nevent')).toBe(false);
    expect(hasEventLine('data: x\n\neventx\n\nevent:\n\n')).toBe(true);
  });
});

describe('datalessEvents with CR-only line ends', () => {
  it('finds the event lines after a lone CR (SSE allows CRLF, LF and CR)', () => {
    const text = 'data: {"a":1}\r\revent: ping\r\rdata: {"b":2}\r\revent: keepalive\rid: 7\r\r';
    expect(hasEventLine(text)).toBe(true);
    const spans: EventSpan[] = [];
    datalessEvents(text, spans);
    expect(spans.map((span) => text.slice(span.start, span.end))).toEqual([
      'event: ping\r\r',
      'event: keepalive\rid: 7\r\r',
    ]);
  });

  it('keeps a CR-only event that has data', () => {
    const text = 'data: {"a":1}\r\revent: message\rdata: {"b":2}\r\r';
    const spans: EventSpan[] = [];
    datalessEvents(text, spans);
    expect(spans).toEqual([]);
  });
});
