import { errors } from '../../errors/codes.js';
import { base64Floats, texts } from '../gemini/embeddings.js';

/**
 * OpenAI embeddings requests and answers in Vertex AI's `:predict` form for text-embedding models
 * (`instances: [{ content }]`, `parameters.outputDimensionality`). Text only, like the Gemini API: token-id
 * inputs are refused naming `input`. Unlike the Gemini API, Vertex reports each input's token count, which
 * becomes `usage`.
 */

export interface VertexPredictRequest {
  instances: Array<{ content: string }>;
  parameters?: { outputDimensionality: number };
}

interface Prediction {
  embeddings?: { values?: number[]; statistics?: { token_count?: number } };
}

export function buildVertexPredictRequest(body: Readonly<Record<string, unknown>>): VertexPredictRequest {
  const dimensions = body.dimensions;
  if (dimensions !== undefined && (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1)) {
    throw errors.invalidBody('dimensions must be a positive integer', 'dimensions');
  }
  return {
    instances: texts(body.input).map((content) => ({ content })),
    ...(dimensions !== undefined ? { parameters: { outputDimensionality: dimensions } } : {}),
  };
}

/** A `:predict` answer as OpenAI's embeddings list, usage summed from the per-input token counts. */
export function encodeOpenAIFromPredict(answer: unknown, model: string, encodingFormat: unknown) {
  const predictions = (answer as { predictions?: Prediction[] } | null)?.predictions;
  if (!Array.isArray(predictions)) throw errors.upstreamFailed('Vertex answered embeddings without predictions', 502);
  let tokens = 0;
  const data = predictions.map((prediction, index) => {
    const values = prediction.embeddings?.values ?? [];
    tokens += prediction.embeddings?.statistics?.token_count ?? 0;
    return { object: 'embedding', index, embedding: encodingFormat === 'base64' ? base64Floats(values) : values };
  });
  return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
