import type { OPENAI_PRESETS } from '../config/schema.js';

export type OpenAIPreset = (typeof OPENAI_PRESETS)[number];

/** What a preset fills in for `type: openai`; anything set explicitly in the provider's config wins. */
export interface PresetDefaults {
  readonly baseUrl: string;
  /** The environment variable the key is read from when the config sets no api_key. */
  readonly keyEnv: string;
  /** Local servers take requests without a key. */
  readonly keyOptional?: boolean;
  /** Local servers listen on loopback, which the SSRF guard refuses unless allowed. */
  readonly privateNetwork?: boolean;
  /** Known quirks, as the provider settings that handle them. */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/**
 * OpenAI-compatible clouds and local servers. The quirks are the ones the translators already handle:
 * DeepSeek needs its reasoning_content back on tool-call turns in thinking mode, Mistral takes only
 * 9-character tool call ids, Cerebras documents max_completion_tokens.
 */
export const PRESETS: Readonly<Record<OpenAIPreset, PresetDefaults>> = {
  groq: { baseUrl: 'https://api.groq.com/openai/v1', keyEnv: 'GROQ_API_KEY' },
  together: { baseUrl: 'https://api.together.xyz/v1', keyEnv: 'TOGETHER_API_KEY' },
  fireworks: { baseUrl: 'https://api.fireworks.ai/inference/v1', keyEnv: 'FIREWORKS_API_KEY' },
  deepseek: {
    baseUrl: 'https://api.deepseek.com/v1',
    keyEnv: 'DEEPSEEK_API_KEY',
    settings: { send_reasoning_content: true },
  },
  mistral: { baseUrl: 'https://api.mistral.ai/v1', keyEnv: 'MISTRAL_API_KEY', settings: { tool_call_ids: 'mistral' } },
  openrouter: { baseUrl: 'https://openrouter.ai/api/v1', keyEnv: 'OPENROUTER_API_KEY' },
  xai: { baseUrl: 'https://api.x.ai/v1', keyEnv: 'XAI_API_KEY' },
  cerebras: {
    baseUrl: 'https://api.cerebras.ai/v1',
    keyEnv: 'CEREBRAS_API_KEY',
    settings: { max_tokens_field: 'max_completion_tokens' },
  },
  perplexity: { baseUrl: 'https://api.perplexity.ai', keyEnv: 'PERPLEXITY_API_KEY' },
  ollama: { baseUrl: 'http://127.0.0.1:11434/v1', keyEnv: 'OLLAMA_API_KEY', keyOptional: true, privateNetwork: true },
  vllm: { baseUrl: 'http://127.0.0.1:8000/v1', keyEnv: 'VLLM_API_KEY', keyOptional: true, privateNetwork: true },
  lmstudio: {
    baseUrl: 'http://127.0.0.1:1234/v1',
    keyEnv: 'LMSTUDIO_API_KEY',
    keyOptional: true,
    privateNetwork: true,
  },
};
