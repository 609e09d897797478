import type { EncodeContext } from '../../translate/contract.js';
import type { Exchange } from './exchange.js';

/** Ids minted for a translated answer carry the request id, so a client-side id leads back to the telemetry. */
export function encodeContextFor(exchange: Exchange, clientRequest: Readonly<Record<string, unknown>>): EncodeContext {
  const stem = exchange.id.slice('req_'.length);
  let counter = 0;
  return {
    clientRequest,
    createdAt: Math.floor(exchange.time / 1000),
    newId: (prefix) => `${prefix}${stem}${(counter++).toString(36)}`,
  };
}
