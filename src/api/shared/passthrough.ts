import type { OutgoingHttpHeaders } from 'node:http';
import { errors } from '../../errors/codes.js';
import type { ErrorKind } from '../../errors/gateway-error.js';
import { looksLikeJson, notAnApiError } from '../../routing/non-api-error-body.js';
import { upstreamMessage } from '../../routing/upstream-message.js';
import { readUpstreamBody, type UpstreamReply } from '../../routing/upstream-reply.js';
import type { ClientOutput } from './client-output.js';
import { pipeBody } from './pipe-body.js';
import { sendError } from './send-error.js';
import { streamFailureMessage } from './stream-failure.js';

const TAIL_BYTES = 8 * 1024;
/** Bodies up to this size are collected and sent with one write; larger ones stream through. */
const BUFFER_LIMIT = 1024 * 1024;

/** Response headers worth relaying from an upstream whose bytes we forward unchanged. */
export function relayedHeaders(reply: UpstreamReply, fallbackType: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'content-type': reply.headers['content-type'] ?? fallbackType };
  const retryAfter = reply.headers['retry-after'];
  if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
  return headers;
}

function lastBytes(chunks: readonly Buffer[], size: number): Buffer {
  const all = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
  return all.length > TAIL_BYTES ? all.subarray(all.length - TAIL_BYTES) : all;
}

/**
 * Relays a non-streamed upstream body unchanged and returns its last few KiB, where providers put `usage`.
 * A typical body is collected and sent with the headers in one write (one syscall instead of several); a
 * body that breaks before it was sent becomes a 502, and one that breaks while streaming (over 1 MiB)
 * destroys the client response, so the client never mistakes a short body for a whole one.
 */
export async function relayBody(reply: UpstreamReply, out: ClientOutput): Promise<Buffer> {
  const headers = relayedHeaders(reply, 'application/json');
  if (reply.bytes) return sendWhole(reply.status, headers, reply.bytes, out);
  const chunks: Buffer[] = [];
  let size = 0;
  let streaming = false;
  let tail: Buffer = Buffer.alloc(0);
  try {
    await pipeBody(reply.body, out, (chunk) => {
      if (streaming) {
        tail = lastBytes([tail, chunk], tail.length + chunk.length);
        return chunk;
      }
      chunks.push(chunk);
      size += chunk.length;
      if (size <= BUFFER_LIMIT) return undefined;
      streaming = true;
      out.head(reply.status, headers);
      tail = lastBytes(chunks, size);
      return Buffer.concat(chunks, size);
    });
  } catch (error) {
    const message = streamFailureMessage(out, error);
    if (!streaming) throw out.exchange.error ?? errors.upstreamFailed(message, 502);
    out.exchange.streamError = message;
    out.exchange.responseCut = true;
    out.res.destroy();
    return tail;
  }
  if (streaming) {
    out.end();
    return tail;
  }
  return sendWhole(
    reply.status,
    headers,
    chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size),
    out,
  );
}

/**
 * relayBody, without a promise for an answer routing already read whole (a typical non-streamed one): it is
 * sent at once. Returns its last few KiB, or a promise of them for a body that is still arriving.
 */
export function relayWhole(reply: UpstreamReply, out: ClientOutput): Buffer | Promise<Buffer> {
  if (!reply.bytes) return relayBody(reply, out);
  return sendWhole(reply.status, relayedHeaders(reply, 'application/json'), reply.bytes, out);
}

/** Sends a body that is all here with its head in one write; returns its last few KiB. */
function sendWhole(status: number, headers: OutgoingHttpHeaders, body: Buffer, out: ClientOutput): Buffer {
  headers['content-length'] = body.length;
  out.head(status, headers);
  out.end(body);
  return body.length > TAIL_BYTES ? body.subarray(body.length - TAIL_BYTES) : body;
}

const KIND_BY_STATUS: Readonly<Record<number, ErrorKind>> = {
  400: 'invalid_request',
  401: 'authentication',
  403: 'permission',
  404: 'not_found',
  413: 'payload_too_large',
  422: 'invalid_request',
  429: 'rate_limit',
};

/**
 * Relays a final upstream error unchanged (same dialect: its body is already in the client's shape) and records
 * it on the exchange, so the telemetry row says what the upstream refused and why. A body that is no API's
 * error (the HTML page a wrong deployment, region or path gets from the cloud's front) is not relayed: the client
 * gets its dialect's error shape, with the upstream's status and the page's text in words.
 */
export async function relayError(reply: UpstreamReply, out: ClientOutput): Promise<void> {
  const kind = KIND_BY_STATUS[reply.status] ?? 'upstream';
  if (!reply.headers['content-type']?.includes('json')) {
    const body = await readUpstreamBody(reply);
    const text = body.toString('utf8');
    if (!looksLikeJson(text)) {
      sendError(out, errors.upstreamRejected(reply.status, kind, notAnApiError(reply.status, reply.headers, text)));
      return;
    }
    reply = { ...reply, bytes: body };
  }
  const tail = await relayBody(reply, out);
  const message = upstreamMessage(tail) || `upstream answered ${reply.status}`;
  out.exchange.error = errors.upstreamRejected(reply.status, kind, message);
}
