import { describe, expect, it } from 'vitest';
import { lastEventBoundary, SseFramer } from './sse-framer.js';
import { parseSseEvents } from './sse-parse.js';

describe('SseFramer', () => {
  it('holds back an unfinished event until its blank line arrives', () => {
    const framer = new SseFramer();
    expect(framer.push(Buffer.from('data: {"a":'))).toBeUndefined();
    expect(framer.push(Buffer.from('1}\n\ndata: {"b"'))?.toString()).toBe('data: {"a":1}\n\n');
    expect(framer.push(Buffer.from(':2}\n\n'))?.toString()).toBe('data: {"b":2}\n\n');
    expect(framer.end()).toBeUndefined();
  });

  it('finds boundaries written with CRLF and CR line ends', () => {
    expect(lastEventBoundary(Buffer.from('data: x\r\n\r\ndata: y'))).toBe(11);
    expect(lastEventBoundary(Buffer.from('data: x\r\rdata'))).toBe(9);
    expect(lastEventBoundary(Buffer.from('data: x\n'))).toBe(-1);
  });

  it('returns an unterminated last event at the end', () => {
    const framer = new SseFramer();
    framer.push(Buffer.from('data: [DONE]'));
    expect(framer.end()?.toString()).toBe('data: [DONE]');
  });
});

describe('parseSseEvents', () => {
  it('reads event names, joins multi-line data and ignores comments', () => {
    const events = parseSseEvents('event: ping\ndata: {}\n\n: keep-alive\n\ndata: a\ndata: b\n\n');
    expect(events).toEqual([
      { event: 'ping', data: '{}', id: undefined },
      { event: undefined, data: 'a\nb', id: undefined },
    ]);
  });

  it('accepts data without the optional space and CRLF line ends', () => {
    expect(parseSseEvents('data:{"x":1}\r\n\r\n')).toEqual([{ event: undefined, data: '{"x":1}', id: undefined }]);
  });
});
