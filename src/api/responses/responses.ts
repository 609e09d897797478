import { responsesClientCodec } from '../../translate/responses/codec.js';
import type { ClientOutput } from '../shared/client-output.js';
import type { EntryPointSpec } from '../shared/entry-point.js';
import { proxyToUpstream } from '../shared/proxy.js';
import { requireModel } from '../shared/read-body.js';
import { optionalBoolean, resolveRoute } from '../shared/resolve-route.js';
import { TranslatableRequest, translatedPlan } from '../shared/translated-plan.js';
import { isStrictTranslation } from '../shared/translation-mode.js';

/** No provider speaks Responses upstream, so every request is translated; parse errors surface before routing. */
async function handle(out: ClientOutput, body: Record<string, unknown> | undefined): Promise<void> {
  const request = body as Record<string, unknown>;
  const route = resolveRoute(out.exchange, requireModel(request));
  out.exchange.stream = optionalBoolean(request, 'stream');
  const translatable = new TranslatableRequest(responsesClientCodec, request, {
    strict: () => isStrictTranslation(out.exchange, route.name),
  });
  translatable.ir();
  const error = await proxyToUpstream(out, route, (target) => translatedPlan(translatable, target));
  if (error) throw error;
}

/** POST /v1/responses (OpenAI Responses, stateless) */
export const responses: EntryPointSpec = { entryPoint: 'responses', dialect: 'openai', method: 'POST', handle };
