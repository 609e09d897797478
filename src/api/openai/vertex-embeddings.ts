import type { RouteTarget } from '../../routing/route-table.js';
import { readUpstreamBody } from '../../routing/upstream-reply.js';
import { geminiUpstreamCodec } from '../../translate/gemini/codec.js';
import { buildVertexPredictRequest, encodeOpenAIFromPredict } from '../../translate/vertex/predict-embeddings.js';
import { sendError } from '../shared/send-error.js';
import { translatedUpstreamError } from '../shared/translated-error.js';
import type { UpstreamPlan } from '../shared/upstream-plan.js';

const ANSWER_LIMIT = 64 * 1024 * 1024;

/** An OpenAI embeddings request served by a Vertex AI text-embedding model's `:predict`, translated both ways. */
export function vertexEmbeddingsPlan(body: Record<string, unknown>, target: RouteTarget, path: string): UpstreamPlan {
  return {
    path,
    body: JSON.stringify(buildVertexPredictRequest(body)),
    readAhead: 'whole',
    respond: async (reply, out) => {
      const answer: unknown = JSON.parse((await readUpstreamBody(reply, ANSWER_LIMIT, false)).toString('utf8'));
      const encoded = encodeOpenAIFromPredict(answer, target.model, body.encoding_format);
      const tokens = encoded.usage.prompt_tokens;
      out.exchange.usage = { inputTokens: tokens, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0 };
      const text = JSON.stringify(encoded);
      out.head(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      out.end(text);
    },
    // Vertex errors are Google's `{ error: { code, message, status } }`, which the Gemini codec reads.
    respondError: async (reply, out) => sendError(out, await translatedUpstreamError(reply, geminiUpstreamCodec)),
  };
}
