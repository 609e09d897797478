import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { readAhead } from './read-ahead.js';

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
