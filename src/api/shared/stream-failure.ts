import { describeError } from '../../routing/classify.js';
import type { ClientOutput } from './client-output.js';

/** Why a response broke after it started, for the client's error event and the telemetry record. */
export function streamFailureMessage(out: ClientOutput, error: unknown): string {
  const exchange = out.exchange;
  if (exchange.cancel?.cancelReason === 'deadline') {
    return `the request exceeded the gateway's total time limit (routing.timeout.total_ms = ${exchange.snapshot.config.routing.timeout.total_ms} ms)`;
  }
  return `upstream stream failed after it started: ${describeError(error)}`;
}
