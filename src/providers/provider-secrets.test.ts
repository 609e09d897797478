import { describe, expect, it } from 'vitest';
import { providerSecrets, redactSecrets } from './provider-secrets.js';

describe('provider secrets in upstream messages', () => {
  const secrets = providerSecrets('sk-live-0123456789', {
    authorization: 'Bearer org-token-abcdef',
    'x-region': 'eu',
  });

  it('are the key, the header values and the token after an auth scheme', () => {
    expect(secrets).toEqual(['Bearer org-token-abcdef', 'sk-live-0123456789', 'org-token-abcdef']);
  });

  it('are replaced wherever an upstream quotes them', () => {
    expect(redactSecrets('Incorrect API key provided: sk-live-0123456789.', secrets)).toBe(
      'Incorrect API key provided: <redacted>.',
    );
    expect(redactSecrets('bad org org-token-abcdef in eu', secrets)).toBe('bad org <redacted> in eu');
  });
});
