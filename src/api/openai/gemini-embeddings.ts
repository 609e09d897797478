import type { RouteTarget } from '../../routing/route-table.js';
import { readUpstreamBody } from '../../routing/upstream-reply.js';
import { geminiUpstreamCodec } from '../../translate/gemini/codec.js';
import { buildGeminiEmbedRequest, encodeOpenAIEmbeddings } from '../../translate/gemini/embeddings.js';
import { sendError } from '../shared/send-error.js';
import { translatedUpstreamError } from '../shared/translated-error.js';
import type { UpstreamPlan } from '../shared/upstream-plan.js';

/** An OpenAI embeddings request served by the Gemini API's batchEmbedContents, translated both ways. */
export function geminiEmbeddingsPlan(body: Record<string, unknown>, target: RouteTarget): UpstreamPlan {
  return {
    path: target.provider.embeddingsPath(target.model) as string,
    body: JSON.stringify(buildGeminiEmbedRequest(body, target.model)),
    readAhead: 'whole',
    respond: async (reply, out) => {
      const answer: unknown = JSON.parse((await readUpstreamBody(reply, 64 * 1024 * 1024, false)).toString('utf8'));
      const text = JSON.stringify(encodeOpenAIEmbeddings(answer, target.model, body.encoding_format));
      out.exchange.usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0 };
      out.head(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      out.end(text);
    },
    respondError: async (reply, out) => sendError(out, await translatedUpstreamError(reply, geminiUpstreamCodec)),
  };
}
