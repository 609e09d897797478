import type { GatewaySnapshot } from '../server/gateway-snapshot.js';

/** Values shorter than this are no secret worth masking (and masking them would garble unrelated text). */
const MIN_SECRET_LENGTH = 8;
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL/i;

/**
 * Every secret value the running gateway holds in clear: provider keys and headers, config client tokens, the
 * metrics token, OTLP headers, and environment values that the config references or whose names say they are
 * secrets.
 */
export function secretValues(snapshot: GatewaySnapshot, env: Record<string, string | undefined>): string[] {
  const values = new Set<string>();
  for (const provider of snapshot.config.providers) {
    if (provider.api_key) values.add(provider.api_key);
    for (const header of Object.values(provider.headers)) values.add(header);
  }
  // What each provider's requests carry outside its config fields (a session token from a shared profile).
  for (const runtime of snapshot.providers.values()) for (const secret of runtime.secrets) values.add(secret);
  for (const client of snapshot.config.clients) if (client.token) values.add(client.token);
  if (snapshot.config.metrics.token) values.add(snapshot.config.metrics.token);
  for (const header of Object.values(snapshot.config.telemetry?.otlp?.headers ?? {})) values.add(header);
  const referenced = new Set([...snapshot.loaded.references.values()].flat());
  for (const [name, value] of Object.entries(env)) {
    if (value && (referenced.has(name) || SECRET_NAME.test(name))) values.add(value);
  }
  return [...values].filter((value) => value.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * Masks every secret value anywhere in the bundle's JSON text — in config, error messages echoed by
 * upstreams, audit details — as the last step, so no part of the bundle has to be trusted to be clean.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    for (const form of [secret, JSON.stringify(secret).slice(1, -1)]) {
      if (out.includes(form)) out = out.split(form).join('<redacted>');
    }
  }
  return out;
}
