import type { ProviderDescriptor } from './provider-descriptor.js';

/** `models/{model}:method`, with the model's slash-free name escaped (a tuned model may be `tunedModels/x`). */
export function geminiModelPath(model: string, method: string): string {
  const name = model.includes('/') ? model : `models/${model}`;
  return `/${name.split('/').map(encodeURIComponent).join('/')}:${method}`;
}

/**
 * The Gemini API (generativelanguage.googleapis.com/v1beta): generateContent and streamGenerateContent with
 * SSE framing, the model in the path, authenticated with `x-goog-api-key`.
 */
export const geminiProvider: ProviderDescriptor = {
  type: 'gemini',
  dialect: 'gemini',
  endpoints: { chat: '/models', models: '/models' },
  staticHeaders: (apiKey): Record<string, string> => (apiKey ? { 'x-goog-api-key': apiKey } : {}),
  embeddingsPath: (model) => geminiModelPath(model, 'batchEmbedContents'),
  chatPath: (model, stream) =>
    stream ? geminiModelPath(model, 'streamGenerateContent?alt=sse') : geminiModelPath(model, 'generateContent'),
};
