import { describe, expect, it } from 'vitest';
import { eventSpanAt } from './sse-event-span.js';

const spanText = (text: string, needle: string) => {
  const { start, end } = eventSpanAt(text, text.indexOf(needle));
  return text.slice(start, end);
};

describe('eventSpanAt', () => {
  it('finds the event around an offset in LF-framed text, blank line included', () => {
    const text = 'data: a\n\ndata: b\n\ndata: c\n\n';
    expect(spanText(text, 'b')).toBe('data: b\n\n');
    expect(spanText(text, 'a')).toBe('data: a\n\n');
    expect(spanText(text, 'c')).toBe('data: c\n\n');
  });

  it('keeps multi-line events whole and does not take one CRLF for a blank line', () => {
    const text = 'event: x\r\ndata: 1\r\n\r\nevent: y\r\ndata: 2\r\ndata: 3\r\n\r\n';
    expect(spanText(text, '3')).toBe('event: y\r\ndata: 2\r\ndata: 3\r\n\r\n');
    expect(spanText(text, '1')).toBe('event: x\r\ndata: 1\r\n\r\n');
  });

  it('accepts CR-only and mixed blank lines, and an unterminated last event', () => {
    expect(spanText('data: a\r\rdata: b\r\r', 'b')).toBe('data: b\r\r');
    expect(spanText('data: a\r\n\ndata: b\n\r\ndata: c', 'b')).toBe('data: b\n\r\n');
    expect(spanText('data: a\n\ndata: c', 'c')).toBe('data: c');
  });
});
