import { describe, expect, it } from 'vitest';
import { SseDecoder } from './sse-decoder.js';

describe('SseDecoder', () => {
  it('keeps a multi-byte character that a network read split in two', () => {
    const bytes = Buffer.from('event: delta\ndata: {"text":"héllo 🦊"}\n\n', 'utf8');
    const splitInsideFox = bytes.indexOf(0xf0) + 2;
    const decoder = new SseDecoder();
    expect(decoder.push(bytes.subarray(0, 20))).toEqual([]);
    expect(decoder.push(bytes.subarray(20, splitInsideFox))).toEqual([]);
    expect(decoder.push(bytes.subarray(splitInsideFox))).toEqual([
      { event: 'delta', data: '{"text":"héllo 🦊"}', id: undefined },
    ]);
  });

  it('returns every event a chunk completes and holds back the unfinished one', () => {
    const decoder = new SseDecoder();
    expect(decoder.push(Buffer.from('data: a\r\n\r\ndata: b\n\ndata: c'))).toEqual([
      { event: undefined, data: 'a', id: undefined },
      { event: undefined, data: 'b', id: undefined },
    ]);
    expect(decoder.end()).toEqual([{ event: undefined, data: 'c', id: undefined }]);
  });
});

describe('SseDecoder at the start of a stream', () => {
  it('strips a byte order mark before the first event, split across reads or not', () => {
    const decoder = new SseDecoder();
    expect(decoder.push(Buffer.from([0xef, 0xbb]))).toEqual([]);
    expect(decoder.push(Buffer.from([0xbf, ...Buffer.from('data: a\n\ndata: \uFEFFb\n\n')]))).toEqual([
      { event: undefined, data: 'a', id: undefined },
      { event: undefined, data: '\uFEFFb', id: undefined },
    ]);
  });
});
