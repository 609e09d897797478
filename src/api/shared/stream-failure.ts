import { errors } from '../../errors/codes.js';
import { describeError } from '../../routing/classify.js';
import { RequestCancelledError } from '../../upstream/cancel-signal.js';
import type { ClientOutput } from './client-output.js';

/**
 * Why a response broke after it started, for the client's error event and the telemetry record. A response the
 * gateway itself cut, at shutdown or at the operator's total time limit, is recorded as that
 * (GW_ERR_SHUTTING_DOWN, GW_ERR_UPSTREAM_TOTAL_TIMEOUT as a non-streamed answer gets), not as a broken stream.
 *
 * What broke the body decides, not what the request's signal says by the time this runs: a cut of the gateway's
 * own fails the body with the signal's RequestCancelledError, so an upstream that broke just before the
 * deadline passed (or the client left) is still the upstream's failure. The cause is kept on the exchange
 * (`cutBy`) for the breaker's decision after the relay.
 */
export function streamFailureMessage(out: ClientOutput, error: unknown): string {
  const exchange = out.exchange;
  const reason = error instanceof RequestCancelledError ? error.cancelReason : undefined;
  exchange.cutBy = reason;
  if (reason === 'deadline') {
    exchange.error = errors.totalTimeout(exchange.snapshot.config.routing.timeout.total_ms);
    return exchange.error.message;
  }
  if (reason === 'shutdown') {
    exchange.error = errors.shutdownCut(exchange.snapshot.config.server.shutdown_grace_ms);
    return exchange.error.message;
  }
  return `upstream stream failed after it started: ${describeError(error)}`;
}
