import { PRESETS } from './presets.js';
import type { ProviderDescriptor } from './provider-descriptor.js';

/** Any OpenAI-compatible Chat Completions API: OpenAI, vLLM, Ollama, Groq, OpenRouter, Together, ... */
export const openaiProvider: ProviderDescriptor = {
  type: 'openai',
  dialect: 'openai-chat',
  endpoints: { chat: '/chat/completions', embeddings: '/embeddings', models: '/models' },
  staticHeaders: (apiKey): Record<string, string> => (apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
  // Local servers (Ollama, vLLM, LM Studio) serve without a key.
  hasCredentials: (config) =>
    Boolean(config.api_key) || (config.preset ? PRESETS[config.preset].keyOptional : false) === true,
};
