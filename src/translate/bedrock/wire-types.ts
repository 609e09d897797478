/** The Bedrock Converse API's wire format (Converse and ConverseStream). */

export type BedrockImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

/** Ends a cached prefix at the block before it (Claude and Nova models). */
export interface BedrockCachePoint {
  cachePoint: { type: 'default'; ttl?: '5m' | '1h' };
}

export interface BedrockDocument {
  format: string;
  name: string;
  source: { bytes: string };
}

export type BedrockContentBlock =
  | BedrockCachePoint
  | { text: string }
  | { image: { format: BedrockImageFormat; source: { bytes: string } } }
  | { document: BedrockDocument }
  | { toolUse: { toolUseId: string; name: string; input: unknown } }
  | {
      toolResult: {
        toolUseId: string;
        content: Array<
          | { text: string }
          | { image: { format: BedrockImageFormat; source: { bytes: string } } }
          | { document: BedrockDocument }
        >;
        status?: 'success' | 'error';
      };
    }
  | { reasoningContent: { reasoningText?: { text: string; signature?: string }; redactedContent?: string } };

export interface BedrockMessage {
  role: 'user' | 'assistant';
  content: BedrockContentBlock[];
}

/** A type alias, so that it is a Record<string, unknown> where codecs need one. */
export type BedrockConverseRequest = {
  messages: BedrockMessage[];
  system?: Array<{ text: string } | BedrockCachePoint>;
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: {
    tools: Array<
      { toolSpec: { name: string; description?: string; inputSchema: { json: unknown } } } | BedrockCachePoint
    >;
    toolChoice?: { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };
  };
  additionalModelRequestFields?: Record<string, unknown>;
  /** JSON Pointers to fields of the model's own answer to return in `additionalModelResponseFields`. */
  additionalModelResponseFieldPaths?: string[];
};

export interface BedrockUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

export interface BedrockConverseResponse {
  output?: { message?: { role?: string; content?: BedrockContentBlock[] } };
  stopReason?: string;
  usage?: BedrockUsage;
  /** The fields `additionalModelResponseFieldPaths` asked for, e.g. Claude's `stop_sequence`. */
  additionalModelResponseFields?: Record<string, unknown>;
}
