import type { GatewayError } from '../../errors/gateway-error.js';
import type { ClientOutput } from './client-output.js';
import { errorBody } from './error-body.js';

/** Sends a gateway error in the client's dialect (if the response has not started yet). */
export function sendError(out: ClientOutput, error: GatewayError): void {
  out.exchange.error = error;
  if (out.started) {
    if (!out.res.writableEnded) out.end();
    return;
  }
  const body = errorBody(out.exchange.dialect, error, out.exchange.id);
  out.head(error.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-gateway-error': error.code,
    ...error.headers,
  });
  out.end(body);
}
