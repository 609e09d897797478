import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { readAhead, readStreamStart } from './read-ahead.js';

describe('readAhead', () => {
  it('returns a body that ends within the limit as one buffer', async () => {
    const read = await readAhead(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 10);
    expect(read).toEqual({ complete: true, bytes: Buffer.from('abcd') });
  });

  it('returns a longer body as a stream that replays what was read and continues', async () => {
    const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(1000, 97 + (i % 26)));
    const read = await readAhead(Readable.from(chunks), 4096);
    expect(read.complete).toBe(false);
    if (read.complete) return;
    expect(await buffer(read.body)).toEqual(Buffer.concat(chunks));
  });

  it('rejects with the error of a body that breaks before it ends', async () => {
    const body = new PassThrough();
    const read = readAhead(body, 1024);
    body.write('{"partial":');
    body.destroy(Object.assign(new Error('socket hang up'), { code: 'UND_ERR_SOCKET' }));
    await expect(read).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
  });
});

describe('readStreamStart', () => {
  it('stops at the first event, leaving the rest in the body', async () => {
    const body = new PassThrough();
    const start = readStreamStart(body, 1024);
    body.write('data: {"a"');
    body.write(':1}\n\ndata: {"b":2}\n\n');
    const read = await start;
    expect(read.first?.data).toBe('{"a":1}');
    expect(read.head.toString()).toBe('data: {"a":1}\n\ndata: {"b":2}\n\n');
    // Not flowing: what arrives next waits in the body for the relay instead of being emitted to no one.
    expect(body.readableFlowing).not.toBe(true);
    body.write('data: {"c":3}\n\n');
    expect(body.read()?.toString()).toBe('data: {"c":3}\n\n');
  });

  it('stops at a keep-alive comment that comes first, so a working upstream is relayed at once', async () => {
    const body = new PassThrough();
    const start = readStreamStart(body, 1024);
    body.write(': keep-alive\n\n');
    const read = await start;
    expect(read).toMatchObject({ first: undefined, ended: false });
    expect(read.head.toString()).toBe(': keep-alive\n\n');
  });

  it('reports a stream that ended before any event', async () => {
    const read = await readStreamStart(Readable.from([Buffer.from(': ping')]), 1024);
    expect(read).toMatchObject({ first: undefined, ended: true });
  });

  it('rejects with the error of a stream that breaks before its first event', async () => {
    const body = new PassThrough();
    const start = readStreamStart(body, 1024);
    body.destroy(Object.assign(new Error('idle'), { code: 'UND_ERR_BODY_TIMEOUT' }));
    await expect(start).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
  });
});

describe('readStreamStart on a stream that arrived in one read', () => {
  it('decodes only the first event, multi-line data and CRLF included', async () => {
    const first = 'event: message_start\r\ndata: {"type":"message_start",\r\ndata: "x":"é"}\r\n\r\n';
    const text = `${first}event: ping\r\ndata: {}\r\n\r\ndata: {"b":2}\r\n\r\n`;
    const read = await readStreamStart(Readable.from([Buffer.from(text)]), 1 << 16);
    expect(read.first).toEqual({ event: 'message_start', data: '{"type":"message_start",\n"x":"é"}', id: undefined });
    expect(read.head.toString()).toBe(text);
  });

  it('finds a first event longer than the text it first looks at, wherever its blank line falls', async () => {
    for (const length of [1000, 1013, 1014, 1015, 1016, 1017, 5000]) {
      const first = `data: ${'x'.repeat(length)}\r\n\r\n\n`;
      const text = `${first}data: {"b":2}\n\n${'data: {"c":3}\n\n'.repeat(200)}`;
      const read = await readStreamStart(Readable.from([Buffer.from(text)]), 1 << 16);
      expect(read.first).toEqual({ event: undefined, data: 'x'.repeat(length), id: undefined });
    }
  });
});
