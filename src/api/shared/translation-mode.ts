import type { Exchange } from './exchange.js';

/**
 * Whether a request is translated strictly: `translation: strict` on the requested model or on the calling
 * client (config clients; keys made through the admin API have no setting) refuses the hints a translation
 * would otherwise map or drop. Read only when a request is translated, never on passthrough.
 */
export function isStrictTranslation(exchange: Exchange, model: string): boolean {
  const config = exchange.snapshot.config;
  if (config.models.find((entry) => entry.name === model)?.translation === 'strict') return true;
  const client = exchange.client;
  return client !== null && config.clients.find((entry) => entry.name === client)?.translation === 'strict';
}
