import { errors } from '../../errors/codes.js';

/**
 * OpenAI embeddings requests and answers in the Gemini API's batchEmbedContents form. Gemini embeds text
 * only: token-id inputs are refused naming `input`. `dimensions` becomes outputDimensionality; a base64
 * `encoding_format` is honoured by packing the floats as OpenAI does (little-endian float32).
 */

export interface GeminiBatchEmbedRequest {
  requests: Array<{ model: string; content: { parts: Array<{ text: string }> }; outputDimensionality?: number }>;
}

/** The texts to embed; token-id inputs are refused, naming `input`. */
export function texts(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string')) return input;
  throw errors.invalidBody('Gemini embeds text: send input as a string or an array of strings', 'input');
}

export function buildGeminiEmbedRequest(
  body: Readonly<Record<string, unknown>>,
  model: string,
): GeminiBatchEmbedRequest {
  const dimensions = body.dimensions;
  if (dimensions !== undefined && (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1)) {
    throw errors.invalidBody('dimensions must be a positive integer', 'dimensions');
  }
  const name = model.includes('/') ? model : `models/${model}`;
  return {
    requests: texts(body.input).map((text) => ({
      model: name,
      content: { parts: [{ text }] },
      ...(dimensions !== undefined ? { outputDimensionality: dimensions } : {}),
    })),
  };
}

/** Floats packed as OpenAI's base64 `encoding_format` packs them (little-endian float32). */
export function base64Floats(values: readonly number[]): string {
  const floats = new Float32Array(values);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

/** A batchEmbedContents answer as OpenAI's embeddings list; Gemini reports no token usage for embeddings. */
export function encodeOpenAIEmbeddings(
  answer: unknown,
  model: string,
  encodingFormat: unknown,
): Record<string, unknown> {
  const embeddings = (answer as { embeddings?: Array<{ values?: number[] }> } | null)?.embeddings;
  if (!Array.isArray(embeddings)) throw errors.upstreamFailed('Gemini answered embeddings without a list', 502);
  return {
    object: 'list',
    data: embeddings.map((embedding, index) => ({
      object: 'embedding',
      index,
      embedding: encodingFormat === 'base64' ? base64Floats(embedding.values ?? []) : (embedding.values ?? []),
    })),
    model,
    usage: { prompt_tokens: 0, total_tokens: 0 },
  };
}
