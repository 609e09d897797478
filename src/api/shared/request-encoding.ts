import type { IncomingHttpHeaders } from 'node:http';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { errors } from '../../errors/codes.js';

export type BodyEncoding = 'gzip' | 'deflate' | 'br';

const DECODERS: Readonly<Record<BodyEncoding, () => NodeJS.ReadWriteStream>> = {
  gzip: createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** The request body's content-encoding: undefined for none (or identity); anything unknown is a 415. */
export function requestEncoding(headers: IncomingHttpHeaders): BodyEncoding | undefined {
  const header = headers['content-encoding'];
  if (header === undefined) return undefined;
  const value = header.trim().toLowerCase();
  if (value === '' || value === 'identity') return undefined;
  if (value === 'x-gzip') return 'gzip';
  if (value in DECODERS) return value as BodyEncoding;
  throw errors.unsupportedContentEncoding(header.slice(0, 40));
}

export function decoderFor(encoding: BodyEncoding): NodeJS.ReadWriteStream {
  return DECODERS[encoding]();
}

/**
 * Whether a POST body is JSON by its content-type: `application/json` or a `+json` type, with any parameters.
 * Anything else (text/plain, forms, or no type with a body) is refused with 415, as the admin API does: they are
 * also what a page on another site can send without a preflight.
 */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const semicolon = header.indexOf(';');
  const type = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}
