import type { Socket } from 'node:net';
import { errors } from '../errors/codes.js';
import type { GatewayError } from '../errors/gateway-error.js';

/** What Node's HTTP parser hands a `clientError` listener. */
export type ClientError = Error & { code?: string; rawPacket?: unknown };

/** llhttp's reasons, in words a client can act on (the raw reason may quote the bytes sent). */
const DETAILS: Readonly<Record<string, string>> = {
  HPE_INVALID_METHOD: 'unknown method',
  HPE_INVALID_URL: 'invalid request target',
  HPE_INVALID_VERSION: 'invalid HTTP version',
  HPE_INVALID_CONSTANT: 'invalid request line',
  HPE_INVALID_HEADER_TOKEN: 'invalid character in a header name',
  HPE_INVALID_CONTENT_LENGTH: 'invalid content-length',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'both content-length and transfer-encoding',
  HPE_INVALID_TRANSFER_ENCODING: 'invalid transfer-encoding',
  HPE_INVALID_CHUNK_SIZE: 'invalid chunk size in a chunked body',
  HPE_STRICT: 'invalid chunked framing',
  HPE_CR_EXPECTED: 'a line does not end with CRLF',
  HPE_LF_EXPECTED: 'a line does not end with CRLF',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'chunk extensions too long',
  HPE_INVALID_EOF_STATE: 'the connection ended mid-request',
};

/** The gateway error for a parser failure, or undefined for a connection that is simply gone. */
export function parserError(error: ClientError): GatewayError | undefined {
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return undefined;
  if (error.code === 'HPE_HEADER_OVERFLOW') return errors.headersTooLarge();
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return errors.requestTimeout();
  return errors.malformedHttp(DETAILS[error.code ?? ''] ?? 'malformed request');
}

/** A printable request path, up to 256 characters. */
const PATH = /^[A-Z]{1,16} (\/[\x21-\x7e]{0,255})/;

/**
 * The method and path of the request line at the start of what the parser was reading, when there is one, so
 * the answer takes the dialect of the entry point the client meant (Anthropic clients call /v1/messages).
 */
export function requestLineOf(raw: unknown): { method: string; path: string } {
  const line = Buffer.isBuffer(raw) ? PATH.exec(raw.toString('latin1', 0, 300)) : null;
  if (!line) return { method: 'UNKNOWN', path: '/' };
  const method = line[0].slice(0, line[0].indexOf(' '));
  const path = (line[1] as string).split('?')[0] as string;
  return { method, path };
}

/**
 * Writes a whole HTTP response on a socket no handler owns and closes it. The end is graceful so the client reads
 * the answer; a client that keeps sending is dropped after a second.
 */
export function writeRawResponse(socket: Socket, status: number, reason: string, headers: string, body: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${headers}connection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1_000).unref();
}
