import { STATUS_CODES } from 'node:http';
import { gzip } from 'node:zlib';
import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import type { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import { CancelSignal } from '../../upstream/cancel-signal.js';
import { readAhead } from '../../upstream/read-ahead.js';
import { Pool } from '../../upstream/undici-pool.js';

/** The exporter's settings (url, headers, compression, user agent) as otlp-exporter-base resolves them. */
export type ExportSettings = Pick<
  ReturnType<typeof convertLegacyHttpOptions>,
  'url' | 'headers' | 'compression' | 'userAgent'
>;

/** What `send` answers, as otlp-exporter-base's ExportResponse (its retrying transport reads `status`). */
export type ExportResponse =
  | { status: 'success'; data?: Uint8Array }
  | { status: 'failure'; error: Error }
  | { status: 'retryable'; retryInMillis?: number; error?: Error };

/** otlp-exporter-base's IExporterTransport. */
export interface ExporterTransport {
  send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse>;
  shutdown(): void;
}

/** The official transport's limit on a collector's answer. */
const MAX_RESPONSE_BODY_SIZE = 4 * 1024 * 1024;

/** The official transport's User-Agent (otlp-exporter-base's version, which is pinned). */
const USER_AGENT = 'OTel-OTLP-Exporter-JavaScript/0.223.1';

/** Network errors the official transport retries (`isHttpTransportNetworkErrorRetryable`). */
const RETRYABLE_NETWORK_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  // undici's names for a dropped connection and for the timeouts below.
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Statuses a collector asks to be retried on (otlp-exporter-base's `isExportHTTPErrorRetryable`). */
function retryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** `Retry-After` in milliseconds, as otlp-exporter-base's `parseRetryAfterToMills` reads it. */
function retryAfterMillis(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text == null) return undefined;
  const seconds = Number.parseInt(text, 10);
  if (Number.isInteger(seconds)) return seconds > 0 ? seconds * 1000 : -1;
  const delay = new Date(text).getTime() - Date.now();
  return delay >= 0 ? delay : 0;
}

function gzipped(data: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => gzip(data, (error, out) => (error ? reject(error) : resolve(out))));
}

/**
 * OTLP/HTTP export of plain-HTTP endpoints (a collector beside the gateway) through undici, the client the
 * gateway's upstream requests already use, on one kept-alive connection. The official transport sends with
 * node:http's client and pipes the body from a stream.Readable: classes a serving gateway otherwise never runs
 * through Node's shared HTTP and stream code (ClientRequest through OutgoingMessage's methods, a client-side
 * IncomingMessage, a bare Readable), whose inline caches then see more object shapes on every client request and
 * response, for the life of the process. Everything else about the export is the official exporter's: its
 * delegate, retries, timeouts and settings (headers, compression, OTEL_EXPORTER_OTLP_* variables); the answers
 * are the official transport's (success with the body read, retryable statuses and network errors, Retry-After).
 */
export class UndiciExportTransport implements ExporterTransport {
  private readonly pool: Pool;
  private readonly path: string;

  constructor(private readonly settings: ExportSettings) {
    const url = new URL(settings.url);
    this.path = `${url.pathname}${url.search}`;
    this.pool = new Pool(url.origin, { connections: 1 });
  }

  async send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    // Names in lower case, as the proxy's headers are: undici then finds each in its table of known names at once.
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(await this.settings.headers())) headers[name.toLowerCase()] = value;
    headers['user-agent'] = this.settings.userAgent ? `${this.settings.userAgent} ${USER_AGENT}` : USER_AGENT;
    let body = data;
    if (this.settings.compression === 'gzip') {
      headers['content-encoding'] = 'gzip';
      body = await gzipped(data);
    }
    // The proxy's request shape (its option keys in its order, a CancelSignal, the answer read by readAhead), so
    // that an export leaves undici's and Node's shared request and stream code with no object shape the upstream
    // requests do not bring already. The timeout cancels as the total deadline does: an AbortError.
    const signal = new CancelSignal();
    const timer = setTimeout(() => signal.cancel('deadline'), timeoutMillis);
    timer.unref();
    try {
      const response = await this.pool.request({
        path: this.path,
        method: 'POST',
        headers,
        body,
        headersTimeout: timeoutMillis,
        bodyTimeout: timeoutMillis,
        signal,
      });
      const status = response.statusCode;
      const read = await readAhead(response.body, MAX_RESPONSE_BODY_SIZE);
      if (!read.complete) {
        read.body.destroy();
        return {
          status: 'failure',
          error: new Error(`OTLP export response body exceeded size limit of ${MAX_RESPONSE_BODY_SIZE} bytes`),
        };
      }
      const answer = read.bytes;
      if (status <= 299) return { status: 'success', data: answer };
      // The status goes with a retryable answer too: the official transport leaves it out, and the delegate then
      // reports a shedding collector (429, 503) as "Export failed with retryable status", the code lost.
      const error = new OTLPExporterError(STATUS_CODES[status], status, answer.toString());
      if (retryableStatus(status)) {
        return { status: 'retryable', retryInMillis: retryAfterMillis(response.headers['retry-after']), error };
      }
      return { status: 'failure', error };
    } catch (caught) {
      const error = caught as Error & { code?: unknown; name?: string };
      if (error.name === 'TimeoutError' || error.name === 'AbortError') {
        return { status: 'retryable', error: new Error('Request timed out') };
      }
      const code = typeof error.code === 'string' ? error.code : undefined;
      return code !== undefined && RETRYABLE_NETWORK_ERRORS.has(code)
        ? { status: 'retryable', error }
        : { status: 'failure', error };
    } finally {
      clearTimeout(timer);
    }
  }

  shutdown(): void {
    void this.pool.close().catch(() => undefined);
  }
}
