import type { UpstreamDialect } from '../providers/provider-descriptor.js';
import { anthropicUpstreamCodec } from './anthropic/codec.js';
import { bedrockUpstreamCodec } from './bedrock/codec.js';
import type { UpstreamCodec } from './contract.js';
import { geminiUpstreamCodec } from './gemini/codec.js';
import { openaiChatUpstreamCodec } from './openai-chat/codec.js';

const upstreamCodecs: Record<UpstreamDialect, UpstreamCodec> = {
  'openai-chat': openaiChatUpstreamCodec,
  'anthropic-messages': anthropicUpstreamCodec,
  gemini: geminiUpstreamCodec,
  'bedrock-converse': bedrockUpstreamCodec,
};

/** The translator for the dialect a provider speaks. */
export function upstreamCodecFor(dialect: UpstreamDialect): UpstreamCodec {
  return upstreamCodecs[dialect];
}
