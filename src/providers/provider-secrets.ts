import { scrubText } from './secret-scrubber.js';

/** Shorter values are no credential worth hiding, and replacing them would garble messages. */
const MIN_SECRET_LENGTH = 8;

/**
 * A provider's credentials as an upstream might quote them back in an error message: the API key, every
 * configured header value, and the token after an auth scheme word ("Bearer <token>").
 */
export function providerSecrets(apiKey: string, headers: Readonly<Record<string, string>>): string[] {
  const secrets = new Set<string>();
  for (const value of [apiKey, ...Object.values(headers)]) {
    secrets.add(value);
    const scheme = /^[A-Za-z]+\s+(\S+)$/.exec(value.trim());
    if (scheme?.[1]) secrets.add(scheme[1]);
  }
  // Longest first, so a value that contains another is replaced whole.
  return [...secrets].filter((value) => value.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * `text` with every echo of the secrets replaced by `<redacted>`: the whole secret or any start of it long
 * enough to matter (see `minimumEcho`). Upstream bodies are scrubbed as they arrive; this covers the rest
 * (messages of thrown errors).
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return scrubText(text, secrets);
}
