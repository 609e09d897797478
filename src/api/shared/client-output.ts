import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { writeAdmittedHeaders } from '../../routing/limits/admitted-headers.js';
import type { Exchange } from './exchange.js';

/**
 * The response to the client: adds the gateway's headers, records status and first-byte time on the
 * exchange, and knows whether the client is still there.
 */
export class ClientOutput {
  /** Its place in the data plane's list of requests in flight (SlotList). */
  slot = -1;

  constructor(
    readonly res: ServerResponse,
    readonly exchange: Exchange,
  ) {}

  get started(): boolean {
    return this.res.headersSent;
  }

  /** True when the client disconnected before the response ended. */
  get gone(): boolean {
    return this.res.destroyed && !this.res.writableFinished;
  }

  head(status: number, headers: OutgoingHttpHeaders): void {
    const exchange = this.exchange;
    exchange.status = status;
    headers['x-request-id'] = exchange.id;
    if (exchange.provider !== null) {
      headers['x-gateway-provider'] = exchange.provider;
      headers['x-gateway-model'] = exchange.upstreamModel ?? '';
      headers['x-gateway-route'] = exchange.routeMode;
      headers['x-gateway-attempts'] = String(exchange.attempts.length);
    } else if (exchange.attempts.length > 0) {
      // Nothing served it, but the client may still learn how hard the gateway tried.
      headers['x-gateway-attempts'] = String(exchange.attempts.length);
    }
    if (exchange.droppedFields !== null) headers['x-gateway-dropped'] = exchange.droppedFields.join(', ');
    // The key's own limits, not the provider's (which the gateway's shared provider account makes meaningless).
    if (exchange.limitTicket) writeAdmittedHeaders(headers, exchange.limitTicket, exchange.dialect);
    this.res.writeHead(status, headers);
  }

  /** Writes a chunk; false means the client is slow and the caller should wait for `drain`. */
  write(chunk: Buffer | string): boolean {
    const exchange = this.exchange;
    exchange.markFirstByte();
    exchange.sentBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    exchange.trace?.content?.output(chunk);
    return this.res.write(chunk);
  }

  end(chunk?: Buffer | string): void {
    if (chunk !== undefined && chunk.length > 0) {
      const exchange = this.exchange;
      exchange.markFirstByte();
      exchange.sentBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      exchange.trace?.content?.output(chunk);
    }
    this.res.end(chunk);
  }
}
