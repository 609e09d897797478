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

  it('reads CRLF, LF and lone CR line ends alike, mixed in one block', () => {
    const expected = [
      { event: 'e', data: 'a\nb', id: '1' },
      { event: undefined, data: 'c', id: undefined },
    ];
    expect(parseSseEvents('event: e\r\nid: 1\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n')).toEqual(expected);
    expect(parseSseEvents('event: e\r\nid: 1\ndata: a\rdata: b\r\n\rdata: c\n\n')).toEqual(expected);
    const datas = (block: string) => parseSseEvents(block).map((event) => event.data);
    expect(datas('data: a\r\n\r\ndata: b\r\rdata: c\r\n\r\n')).toEqual(['a', 'b', 'c']);
    expect(datas('data: a\r\n\r\ndata: b\r\r')).toEqual(['a', 'b']);
    expect(parseSseEvents('data: x\r\n\r\n:comment\r\ndata\r\n\r\n')).toEqual([
      { event: undefined, data: 'x', id: undefined },
      { event: undefined, data: '', id: undefined },
    ]);
  });
});

describe('SseFramer on large and split events', () => {
  it('finds a blank line split across chunks at any place, with any line ending', () => {
    for (const ending of ['\n\n', '\r\n\r\n']) {
      const stream = `data: {"a":1}${ending}data: {"b":2}${ending}`;
      for (let cut = 1; cut < stream.length; cut++) {
        for (let second = cut + 1; second < stream.length; second += 3) {
          const framer = new SseFramer();
          const out = [stream.slice(0, cut), stream.slice(cut, second), stream.slice(second)]
            .map((part) => framer.push(Buffer.from(part))?.toString() ?? '')
            .join('');
          expect(out + (framer.end()?.toString() ?? '')).toBe(stream);
        }
      }
    }
  });

  it('takes a 24 MiB event in 16 KiB reads in linear time (it once rescanned and copied everything per read)', () => {
    const framer = new SseFramer(32 * 1024 * 1024);
    const piece = Buffer.alloc(16 * 1024, 'a');
    const started = performance.now();
    expect(framer.push(Buffer.from('data: '))).toBeUndefined();
    for (let i = 0; i < 1_536; i++) expect(framer.push(piece)).toBeUndefined();
    const event = framer.push(Buffer.from('\n\n'));
    expect(event?.length).toBe(6 + 1_536 * piece.length + 2);
    // Quadratic, this copied ~18 GiB; linear, it is a few tens of ms even on a loaded machine.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('refuses an event over the size limit with a coded error, so the stream fails like a broken one', () => {
    const framer = new SseFramer(1024);
    framer.push(Buffer.from('data: '));
    expect(() => framer.push(Buffer.alloc(2048, 'a'))).toThrow(
      expect.objectContaining({ code: 'EGATEWAY_SSE_EVENT_TOO_LARGE' }),
    );
  });
});
