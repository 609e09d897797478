import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { errors } from '../../errors/codes.js';
import { jsonErrorWithoutContent } from '../../errors/json-error-text.js';
import { caseVariantKey } from './case-variant-keys.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import { type BodyEncoding, decoderFor, isJsonContentType, requestEncoding } from './request-encoding.js';

/**
 * Reads the whole JSON request body, refusing (413) as soon as it exceeds `limit` bytes. A gzip, deflate or br
 * body is decoded as it arrives, and its decoded size counts against the limit (a small bomb is still a 413).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return readBodyParts(req, limit).then(joined);
}

/** A body as it arrived: its chunks and their total size, joined only where it is parsed. */
export interface BodyParts {
  chunks: Buffer[];
  size: number;
}

export function joined(parts: BodyParts): Buffer {
  return parts.chunks.length === 1 ? (parts.chunks[0] as Buffer) : Buffer.concat(parts.chunks, parts.size);
}

/** readBody, without joining the chunks: a large body is joined on the worker thread that parses it. */
export function readBodyParts(req: IncomingMessage, limit: number): Promise<BodyParts> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(errors.bodyTooLarge(limit));
  const hasBody = (declared !== undefined && declared !== '0') || req.headers['transfer-encoding'] !== undefined;
  const type = req.headers['content-type'];
  if (hasBody && !isJsonContentType(type)) {
    return Promise.reject(errors.unsupportedContentType(type === undefined ? '(none)' : type.slice(0, 60)));
  }
  let encoding: BodyEncoding | undefined;
  try {
    encoding = requestEncoding(req.headers);
  } catch (error) {
    return Promise.reject(error);
  }
  return encoding === undefined ? collect(req, limit) : readDecoded(req, limit, encoding);
}

function readDecoded(req: IncomingMessage, limit: number, encoding: BodyEncoding): Promise<BodyParts> {
  const decoder = decoderFor(encoding);
  const decoded = collect(decoder as unknown as Readable, limit, () => errors.undecodableBody(encoding));
  req.pipe(decoder);
  // Stop decoding once the answer is known; what the client still sends is drained by the caller.
  return decoded.finally(() => {
    req.unpipe(decoder);
    (decoder as unknown as Readable).destroy();
  });
}

/** Collects a stream up to `limit` bytes; `streamError` names what a failing stream means for the client. */
function collect(source: Readable, limit: number, streamError?: () => Error): Promise<BodyParts> {
  const req = source;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(errors.bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ chunks, size });
    };
    const onError = (error: Error) => {
      cleanup();
      reject(streamError ? streamError() : error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** Parses a JSON request body that must be an object. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw errors.invalidJson('the body is empty');
  if (nestsDeeperThan(body)) {
    throw errors.invalidBody(`the request nests objects and arrays more than ${MAX_JSON_DEPTH} deep`);
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw errors.invalidJson(jsonErrorWithoutContent((error as Error).message));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw errors.invalidBody('the request body must be a JSON object');
  }
  const variant = caseVariantKey(value as Record<string, unknown>);
  if (variant) {
    throw errors.invalidBody(
      `the body has a field "${capped(variant.key)}" that differs from "${capped(variant.field)}" only in case; send each field once, in lower case`,
      capped(variant.key),
    );
  }
  return value as Record<string, unknown>;
}

/** A client's key quoted in an error: enough to find it, never a whole huge string. */
function capped(key: string): string {
  return key.length <= 64 ? key : `${key.slice(0, 64)}…`;
}

/** The `model` field, which every routed request needs. */
export function requireModel(body: Record<string, unknown>): string {
  const model = body.model;
  if (model === undefined || model === null || model === '') throw errors.missingModel();
  if (typeof model !== 'string') throw errors.invalidBody('model must be a string', 'model');
  return model;
}
