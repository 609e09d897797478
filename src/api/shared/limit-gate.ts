import type { GatewayError } from '../../errors/gateway-error.js';
import type { LimitService, LimitTicket } from '../../routing/limits/limit-service.js';
import { estimateCost, estimateTokens } from '../../routing/limits/request-estimate.js';
import type { ModelRoute } from '../../routing/route-table.js';
import type { RequestRecord } from '../../telemetry/request-record.js';
import type { Exchange } from './exchange.js';

/**
 * Admits a routed request to its client's limits and budgets. Undefined, without an await, when the client
 * has none (the common case pays one property check); else the 429 to send, or undefined once admitted.
 */
export function admitToLimits(
  exchange: Exchange,
  route: ModelRoute,
): GatewayError | undefined | Promise<GatewayError | undefined> {
  const access = exchange.access;
  const limits = exchange.services.limits;
  if (!access?.limited || !limits || exchange.limitTicket) return undefined;
  // A key with only RPM and concurrency limits charges one per request: no estimate, no price lookup.
  const tokens = access.estimates
    ? estimateTokens(exchange.requestBytes, exchange.requestBody, exchange.requestRaw)
    : undefined;
  const ask = {
    model: exchange.requestedModel ?? route.name,
    tokens: tokens ? tokens.input + tokens.output : 0,
    costUsd: tokens ? estimateCost(route, tokens) : 0,
  };
  const outcome = limits.admit(access, ask, exchange.dialect);
  if (outcome instanceof Promise) return outcome.then((result) => ticketOrError(exchange, result));
  return ticketOrError(exchange, outcome);
}

function ticketOrError(exchange: Exchange, outcome: LimitTicket | GatewayError): GatewayError | undefined {
  if ('plan' in outcome) {
    exchange.limitTicket = outcome;
    return undefined;
  }
  return outcome;
}

/**
 * Settles an ended request to what it really used, from its final record. A request that never got an
 * answer used nothing; one the client abandoned after it reached an upstream settles to the usage its record
 * carries (reported, or estimated: see proxy.ts), and keeps its reservation only when the record has none.
 */
export function settleLimits(limits: LimitService | undefined, ticket: LimitTicket, record: RequestRecord): void {
  if (!limits) return;
  const reported = record.inputTokens !== null || record.outputTokens !== null;
  const abandoned = record.status === 499 && record.provider !== null;
  const tokens = reported ? (record.inputTokens ?? 0) + (record.outputTokens ?? 0) : abandoned ? null : 0;
  const costUsd = record.costUsd ?? (reported || !abandoned ? 0 : null);
  limits.settle(ticket, { tokens, costUsd });
}
