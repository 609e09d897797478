import { describe, expect, it } from 'vitest';
import { validateConfigTree } from './load-config.js';

function providerOf(provider: Record<string, unknown>, env: Record<string, string> = {}) {
  const loaded = validateConfigTree({ providers: [{ name: 'p', ...provider }] }, { env });
  return { provider: loaded.config.providers[0], loaded };
}

describe('provider presets and type defaults', () => {
  it('fill base_url, the key from its variable and the known quirks', () => {
    const { provider, loaded } = providerOf({ type: 'openai', preset: 'deepseek' }, { DEEPSEEK_API_KEY: 'sk-ds' });
    expect(provider).toMatchObject({
      base_url: 'https://api.deepseek.com/v1',
      api_key: 'sk-ds',
      send_reasoning_content: true,
    });
    expect(loaded.references.get('providers[0].api_key')).toEqual(['DEEPSEEK_API_KEY']);
    expect(providerOf({ type: 'openai', preset: 'mistral' }).provider?.tool_call_ids).toBe('mistral');
    expect(providerOf({ type: 'openai', preset: 'groq' }).provider?.base_url).toBe('https://api.groq.com/openai/v1');
  });

  it('let explicit settings win', () => {
    const { provider } = providerOf(
      {
        type: 'openai',
        preset: 'deepseek',
        base_url: 'https://proxy.example.com/v1',
        api_key: 'explicit',
        send_reasoning_content: false,
      },
      { DEEPSEEK_API_KEY: 'from-env' },
    );
    expect(provider).toMatchObject({
      base_url: 'https://proxy.example.com/v1',
      api_key: 'explicit',
      send_reasoning_content: false,
    });
  });

  it('leave a preset key empty when its variable is unset, and allow loopback for local servers', () => {
    const { provider } = providerOf({ type: 'openai', preset: 'ollama' });
    expect(provider).toMatchObject({ base_url: 'http://127.0.0.1:11434/v1', api_key: '', allow_private_network: true });
    expect(providerOf({ type: 'openai', preset: 'groq' }).provider?.api_key).toBe('');
  });

  it('refuse a preset on another type', () => {
    expect(() => providerOf({ type: 'anthropic', preset: 'groq', base_url: 'https://api.anthropic.com' })).toThrow(
      /providers\[0\]\.preset: presets are for type: openai/,
    );
  });

  it('leave the tree as written untouched', () => {
    const raw = { providers: [{ name: 'p', type: 'openai', preset: 'xai' }] };
    const loaded = validateConfigTree(raw, { env: {} });
    expect(loaded.raw).toEqual({ providers: [{ name: 'p', type: 'openai', preset: 'xai' }] });
  });

  it('refuse a token endpoint on loopback unless private networks are allowed', () => {
    const entra = { tenant_id: 't', client_id: 'c', client_secret: 's', token_url: 'http://127.0.0.1:9/token' };
    expect(() => providerOf({ type: 'azure-openai', base_url: 'https://x.openai.azure.com', entra })).toThrow(
      /providers\[0\]\.entra\.token_url: 127\.0\.0\.1 is a loopback/,
    );
  });

  it('read the Azure key from AZURE_OPENAI_API_KEY when none is written', () => {
    const { provider } = providerOf(
      { type: 'azure-openai', base_url: 'https://x.openai.azure.com' },
      { AZURE_OPENAI_API_KEY: 'az-key' },
    );
    expect(provider?.api_key).toBe('az-key');
  });
});
