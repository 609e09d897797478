import type { IncomingMessage } from 'node:http';
import { errors } from '../../errors/codes.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';

/** Reads the whole request body, refusing (413) as soon as it exceeds `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(errors.bodyTooLarge(limit));
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
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
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
    throw errors.invalidJson((error as Error).message);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw errors.invalidBody('the request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** The `model` field, which every routed request needs. */
export function requireModel(body: Record<string, unknown>): string {
  const model = body.model;
  if (model === undefined || model === null || model === '') throw errors.missingModel();
  if (typeof model !== 'string') throw errors.invalidBody('model must be a string', 'model');
  return model;
}
