import { errors } from '../../errors/codes.js';
import type { RouteTarget } from '../../routing/route-table.js';
import type { ClientOutput } from '../shared/client-output.js';
import type { EntryPointSpec } from '../shared/entry-point.js';
import { fieldKind } from '../shared/large-body.js';
import { relayBody, relayError } from '../shared/passthrough.js';
import { proxyToUpstream } from '../shared/proxy.js';
import { requireModel } from '../shared/read-body.js';
import { resolveRoute } from '../shared/resolve-route.js';
import { forwardedBody } from '../shared/upstream-body.js';
import type { UpstreamPlan } from '../shared/upstream-plan.js';
import { geminiEmbeddingsPlan } from './gemini-embeddings.js';
import { findUsageObject, fromOpenAIUsage } from './openai-usage.js';
import { vertexEmbeddingsPlan } from './vertex-embeddings.js';

function embeddingsPlan(body: Record<string, unknown>, raw: Buffer, target: RouteTarget): UpstreamPlan {
  if (target.provider.descriptor.type === 'gemini') return geminiEmbeddingsPlan(body, target);
  const path = target.provider.embeddingsPath(target.model);
  if (!path) {
    const { type, noEmbeddings } = target.provider.descriptor;
    const why = noEmbeddings ? `: ${noEmbeddings}` : '';
    throw errors.unsupportedOperation(
      `provider "${target.provider.name}" (${type}) has no embeddings endpoint for model "${target.model}"${why}`,
    );
  }
  if (target.provider.descriptor.type === 'vertex') return vertexEmbeddingsPlan(body, target, path);
  return {
    path,
    body: forwardedBody(body, raw, target.model),
    readAhead: 'whole',
    respond: async (reply, out) => {
      out.exchange.usage = fromOpenAIUsage(findUsageObject(await relayBody(reply, out)));
    },
    respondError: relayError,
  };
}

async function handle(
  out: ClientOutput,
  body: Record<string, unknown> | undefined,
  raw: Buffer | undefined,
): Promise<void> {
  const request = body as Record<string, unknown>;
  const route = resolveRoute(out.exchange, requireModel(request));
  if (fieldKind(request, 'input') === 'undefined')
    throw errors.invalidBody('you must provide an input parameter', 'input');
  const error = await proxyToUpstream(out, route, (target) => embeddingsPlan(request, raw as Buffer, target));
  if (error) throw error;
}

/** POST /v1/embeddings */
export const embeddings: EntryPointSpec = { entryPoint: 'embeddings', dialect: 'openai', method: 'POST', handle };
