import type { GatewayError } from '../../errors/gateway-error.js';

/**
 * What a translation did with the hints of one request. Meaning (content, callable tools, tool results, system
 * instructions, response formats, stop conditions) is translated or refused; hints (metadata, cache keys,
 * effort, thinking display, deferred loading, provider-side capabilities ...) are mapped where the target has
 * an equivalent and otherwise dropped, and every drop is recorded here so the gateway can say so
 * (`x-gateway-dropped`, the telemetry record, a debug log line).
 *
 * Strict translation (`translation: strict` on a model or client) restores the refusals the gateway made
 * before hints were mapped or dropped: whatever was refused then is refused now, and what was accepted then
 * (service_tier, prompt-cache keys, store ...) is still dropped and reported.
 */
export class HintReport {
  private readonly names: string[] = [];

  constructor(readonly strict = false) {}

  /** The dropped fields in the order first met, each named once. */
  get dropped(): readonly string[] {
    return this.names;
  }

  /** A hint with no equivalent on the target, dropped in every mode. */
  drop(field: string): void {
    if (!this.names.includes(field)) this.names.push(field);
  }

  /** A hint dropped by default; strict translation refuses it with `refusal`. */
  dropUnlessStrict(field: string, refusal: () => GatewayError): void {
    if (this.strict) throw refusal();
    this.drop(field);
  }

  /** A hint mapped onto an equivalent by default; strict translation refuses it with `refusal`. */
  mapUnlessStrict(refusal: () => GatewayError): void {
    if (this.strict) throw refusal();
  }
}

/** Several reports' dropped fields as one list, each named once (the `x-gateway-dropped` header's content). */
export function mergeDropped(...lists: ReadonlyArray<readonly string[]>): string[] {
  const merged: string[] = [];
  for (const list of lists) for (const name of list) if (!merged.includes(name)) merged.push(name);
  return merged;
}
