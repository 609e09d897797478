import type { GatewayError } from '../../errors/gateway-error.js';
import type { ClientOutput } from './client-output.js';
import { statusForDialect } from './client-status.js';
import { errorBody } from './error-body.js';

/** Sends a gateway error in the client's dialect (if the response has not started yet). */
export function sendError(out: ClientOutput, error: GatewayError): void {
  // A client that went away gets nothing, and its record says so (499), not what it would have been sent.
  if (out.gone) return;
  out.exchange.error = error;
  if (out.started) {
    if (!out.res.writableEnded) out.end();
    return;
  }
  const dialect = out.exchange.dialect;
  const body = errorBody(dialect, error, out.exchange.id);
  out.head(statusForDialect(error.status, dialect), {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-gateway-error': error.code,
    ...error.headers,
  });
  out.end(body);
}
