import type { IncomingHttpHeaders } from 'node:http';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

function noop(): void {}

/**
 * The body of an upstream response as plain bytes. The gateway never sends `accept-encoding`, but some servers
 * and proxies compress anyway; everything downstream (usage and error taps, SSE framing, translation, the
 * client's stream) works on the decoded bytes, so a compressed body is decoded here and its
 * `content-encoding` / `content-length` dropped. An encoding it does not know is left as it is.
 */
export function decodedBody(
  headers: IncomingHttpHeaders,
  body: Readable,
): { headers: IncomingHttpHeaders; body: Readable } {
  const encoding = headers['content-encoding'];
  if (encoding === undefined) return { headers, body };
  const name = encoding.trim().toLowerCase();
  if (name === '' || name === 'identity') return { headers, body };
  const create = Object.hasOwn(DECODERS, name) ? DECODERS[name] : undefined;
  if (!create) return { headers, body };
  const { 'content-encoding': _encoding, 'content-length': _length, ...rest } = headers;
  // pipeline destroys both streams when either fails or is destroyed: an upstream error (with its code, for
  // classification) surfaces on the decoded stream, and destroying the decoded stream aborts the upstream.
  return { headers: rest, body: pipeline(body, create(), noop) };
}
