import { errors } from '../../errors/codes.js';
import type { ModelRoute } from '../../routing/route-table.js';
import type { Exchange } from './exchange.js';

export function resolveRoute(exchange: Exchange, model: string): ModelRoute {
  exchange.requestedModel = model;
  // Access is decided on the name the client asked for (an alias, not what it resolves to): the name is
  // what operators write in a key's patterns and what /v1/models shows the key.
  const mayUse = exchange.access?.mayUse;
  if (mayUse && !mayUse(model)) throw errors.modelForbidden(exchange.client ?? '', model);
  const route = exchange.snapshot.models.get(model);
  if (!route) throw errors.unknownModel(model);
  return route;
}

/** Reads an optional boolean field, rejecting other types with a 400 naming the field. */
export function optionalBoolean(body: Record<string, unknown>, field: string): boolean {
  const value = body[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw errors.invalidBody(`${field} must be a boolean`, field);
  return value;
}
