import type { IncomingHttpHeaders } from 'node:http';
import { pipeline, type Readable, type Transform, Transform as TransformStream } from 'node:stream';
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
 * `content-encoding` / `content-length` dropped. An encoding it does not know is refused (a coded error).
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
  if (!create) {
    // Bytes the gateway cannot read would reach a client that never asked for them (the gateway sends no
    // accept-encoding): a broken answer, failed over like one.
    body.destroy();
    throw Object.assign(new Error(`the upstream answered in an encoding nobody asked for: ${name.slice(0, 40)}`), {
      code: 'EGATEWAY_UNKNOWN_ENCODING',
    });
  }
  const { 'content-encoding': _encoding, 'content-length': _length, ...rest } = headers;
  // pipeline destroys both streams when either fails or is destroyed: an upstream error (with its code, for
  // classification) surfaces on the decoded stream, and destroying the decoded stream aborts the upstream.
  return { headers: rest, body: pipeline(body, create(), decompressionGuard(body), noop) };
}

/** Most bytes one compressed answer may decode to. */
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;
/** Most decoded bytes per compressed byte past the first MiB: JSON and SSE compress ~10-50×, a bomb ~1000×. */
export const MAX_RATIO = 200;
const RATIO_SLACK = 1024 * 1024;

/**
 * Fails a compressed body that decodes to more than MAX_DECODED_BYTES, or more than MAX_RATIO times what
 * arrived: eight small gzip bombs in parallel once took the gateway from 278 to 1,055 MiB. The error has a
 * code, so routing fails over as for any broken answer. Only compressed answers pay for this stream hop.
 */
function decompressionGuard(compressedBody: Readable): Transform {
  let compressed = 0;
  let decoded = 0;
  compressedBody.on('data', (chunk: Buffer) => {
    compressed += chunk.length;
  });
  return new TransformStream({
    transform(chunk: Buffer, _encoding, done) {
      decoded += chunk.length;
      if (decoded > MAX_DECODED_BYTES || decoded > compressed * MAX_RATIO + RATIO_SLACK) {
        done(
          Object.assign(
            new Error(`the upstream's compressed answer decodes to too much (${decoded} bytes from ${compressed})`),
            {
              code: 'EGATEWAY_DECOMPRESSION_LIMIT',
            },
          ),
        );
        return;
      }
      done(null, chunk);
    },
  });
}
