import { describe, expect, it } from 'vitest';
import { isReferenceOnly, isSecretPath, secretLocation, valueAt } from './secret-fields.js';

describe('secret fields', () => {
  it('are provider keys, provider header values and client tokens', () => {
    expect(isSecretPath(['providers', 0, 'api_key'])).toBe(true);
    expect(isSecretPath(['providers', 2, 'headers', 'x-api-key'])).toBe(true);
    expect(isSecretPath(['clients', 1, 'token'])).toBe(true);
    expect(isSecretPath(['providers', 0, 'base_url'])).toBe(false);
    expect(isSecretPath(['clients', 0, 'token_sha256'])).toBe(false);
    expect(isSecretPath(['models', 0, 'name'])).toBe(false);
  });

  it('include the metrics token and OTLP header values, not their neighbours', () => {
    expect(isSecretPath(['metrics', 'token'])).toBe(true);
    expect(isSecretPath(['telemetry', 'otlp', 'headers', 'x-api-key'])).toBe(true);
    expect(isSecretPath(['metrics', 'enabled'])).toBe(false);
    expect(isSecretPath(['telemetry', 'otlp', 'endpoint'])).toBe(false);
    expect(isSecretPath(['telemetry', 'otlp', 'headers'])).toBe(false);
  });

  it('treat only pure references as not secret', () => {
    expect(isReferenceOnly('${OPENAI_API_KEY}')).toBe(true);
    expect(isReferenceOnly('${OPENAI_API_KEY:-}')).toBe(true);
    expect(isReferenceOnly('Bearer ${TOKEN}')).toBe(true);
    expect(isReferenceOnly('${KEY:-sk-fallback}')).toBe(false);
    expect(isReferenceOnly('sk-${SUFFIX}')).toBe(false);
    expect(isReferenceOnly('sk-live-123')).toBe(false);
  });

  it('locate a secret by provider name, not by position', () => {
    const before = {
      providers: [
        { name: 'a', api_key: 'k-a' },
        { name: 'b', headers: { 'x-key': 'h-b' } },
      ],
    };
    const after = { providers: [{ name: 'b' }, { name: 'a' }] };
    const location = secretLocation(['providers', 0, 'headers', 'x-key'], after);
    expect(location).toEqual({ list: 'providers', name: 'b', field: ['headers', 'x-key'] });
    expect(valueAt(before, location as NonNullable<typeof location>)).toBe('h-b');
  });
});
