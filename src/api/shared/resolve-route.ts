import { errors } from '../../errors/codes.js';
import type { ModelRoute } from '../../routing/route-table.js';
import type { Exchange } from './exchange.js';

export function resolveRoute(exchange: Exchange, model: string): ModelRoute {
  exchange.requestedModel = model;
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
