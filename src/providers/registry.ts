import type { ProviderConfig } from '../config/schema.js';
import { anthropicProvider } from './anthropic.js';
import { azureOpenAIProvider } from './azure-openai.js';
import { bedrockProvider } from './bedrock.js';
import { geminiProvider } from './gemini.js';
import { openaiProvider } from './openai.js';
import type { ProviderDescriptor } from './provider-descriptor.js';
import { vertexProvider } from './vertex.js';

const descriptors: Record<ProviderConfig['type'], ProviderDescriptor> = {
  openai: openaiProvider,
  anthropic: anthropicProvider,
  'azure-openai': azureOpenAIProvider,
  gemini: geminiProvider,
  bedrock: bedrockProvider,
  vertex: vertexProvider,
};

export function providerDescriptor(type: ProviderConfig['type']): ProviderDescriptor {
  return descriptors[type];
}
