import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProviderConfig } from '../config/schema.js';
import { azureMaxTokensField, azureOpenAIProvider } from './azure-openai.js';

/** An Azure provider entry as the config loader gives it (only what the paths read). */
function azure(baseUrl: string, extra: Partial<ProviderConfig> = {}): ProviderConfig {
  return { name: 'az', type: 'azure-openai', base_url: baseUrl, ...extra } as ProviderConfig;
}

describe('Azure OpenAI paths', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('reads base_url once per provider, not at every path a request builds', () => {
    const config = azure('https://res.openai.azure.com/openai/', { responses_api: true } as Partial<ProviderConfig>);
    const RealURL = URL;
    let parsed = 0;
    vi.stubGlobal(
      'URL',
      class CountingURL extends RealURL {
        constructor(...args: ConstructorParameters<typeof URL>) {
          super(...args);
          parsed++;
        }
      },
    );
    for (let request = 0; request < 3; request++) {
      expect(azureOpenAIProvider.embeddingsPath?.('emb', config)).toBe(
        '/deployments/emb/embeddings?api-version=2024-10-21',
      );
      expect(azureOpenAIProvider.responsesPath?.(config)).toBe('/responses?api-version=2025-04-01-preview');
      expect(azureMaxTokensField(config)).toBe('max_completion_tokens');
    }
    expect(parsed).toBe(1);
  });

  it('tells the v1 surface and a resource endpoint apart per provider', () => {
    expect(azureOpenAIProvider.chatPath?.('dep', false, azure('https://res.openai.azure.com/openai/v1'))).toBe(
      '/chat/completions',
    );
    expect(azureOpenAIProvider.chatPath?.('dep', false, azure('https://res.openai.azure.com'))).toBe(
      '/openai/deployments/dep/chat/completions?api-version=2024-10-21',
    );
  });
});
