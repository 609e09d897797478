/**
 * `gen_ai.provider.name` (OpenTelemetry GenAI semantic conventions) for a configured provider: the conventions'
 * well-known value where there is one (`aws.bedrock`, `gcp.vertex_ai`, `azure.ai.openai`, `x_ai`, …), else the
 * OpenAI-compatible preset's own name (`together`, `ollama`), else the provider type. Kept apart from the tracing
 * modules: the request path names targets whether tracing is loaded or not.
 */
const BY_TYPE: Readonly<Record<string, string>> = {
  'azure-openai': 'azure.ai.openai',
  gemini: 'gcp.gemini',
  vertex: 'gcp.vertex_ai',
  bedrock: 'aws.bedrock',
};

const BY_PRESET: Readonly<Record<string, string>> = {
  mistral: 'mistral_ai',
  xai: 'x_ai',
};

export function genAiProviderName(provider: { type: string; preset?: string | undefined }): string {
  if (provider.preset !== undefined) return BY_PRESET[provider.preset] ?? provider.preset;
  return BY_TYPE[provider.type] ?? provider.type;
}
