import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodedBody } from './content-decoding.js';

describe('decodedBody', () => {
  it('decodes gzip and drops the encoding and the compressed length', async () => {
    const zipped = gzipSync('{"ok":true}');
    const { headers, body } = decodedBody(
      { 'content-encoding': 'GZIP', 'content-length': String(zipped.length), 'content-type': 'application/json' },
      Readable.from([zipped]),
    );
    expect(headers).toEqual({ 'content-type': 'application/json' });
    expect(await text(body)).toBe('{"ok":true}');
  });

  it('leaves identity as it is and refuses an encoding it cannot decode, rather than relay it', () => {
    const raw = Readable.from([Buffer.from('x')]);
    expect(decodedBody({ 'content-encoding': 'identity' }, raw).body).toBe(raw);
    expect(() => decodedBody({ 'content-encoding': 'zstd', 'content-length': '1' }, raw)).toThrow(
      expect.objectContaining({ code: 'EGATEWAY_UNKNOWN_ENCODING' }),
    );
  });

  it("surfaces the upstream body's error, code intact, on the decoded body", async () => {
    const upstream = new PassThrough();
    const { body } = decodedBody({ 'content-encoding': 'gzip' }, upstream);
    const failed = new Promise((resolve) => body.once('error', resolve));
    upstream.destroy(Object.assign(new Error('idle'), { code: 'UND_ERR_BODY_TIMEOUT' }));
    expect(await failed).toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
  });

  it('destroys the upstream body when the decoded one is destroyed (the client went away)', async () => {
    const upstream = new PassThrough();
    const { body } = decodedBody({ 'content-encoding': 'br' }, upstream);
    body.on('error', () => undefined);
    body.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(upstream.destroyed).toBe(true);
  });

  it('fails a gzip bomb with a coded error instead of decoding it whole', async () => {
    const bomb = gzipSync(Buffer.alloc(100 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(200 * 1024);
    const { body } = decodedBody({ 'content-encoding': 'gzip' }, Readable.from([bomb]));
    let decoded = 0;
    const error = await new Promise<unknown>((resolve) => {
      body.on('data', (chunk: Buffer) => {
        decoded += chunk.length;
      });
      body.on('error', resolve);
      body.on('end', () => resolve(undefined));
    });
    expect(error).toMatchObject({ code: 'EGATEWAY_DECOMPRESSION_LIMIT' });
    expect(decoded).toBeLessThan(64 * 1024 * 1024);
  });

  it('decodes an ordinary compressed JSON answer whole', async () => {
    const json = JSON.stringify({
      choices: Array.from({ length: 2_000 }, (_, i) => ({ index: i, text: 'hello world' })),
    });
    const { body } = decodedBody({ 'content-encoding': 'gzip' }, Readable.from([gzipSync(json)]));
    expect(await text(body)).toBe(json);
  });
});
