import type { RouteTarget } from '../../routing/route-table.js';
import { openaiChatClientCodec } from '../../translate/openai-chat/codec.js';
import type { ClientOutput } from '../shared/client-output.js';
import type { EntryPointSpec } from '../shared/entry-point.js';
import { proxyToUpstream } from '../shared/proxy.js';
import { requireModel } from '../shared/read-body.js';
import { optionalBoolean, resolveRoute } from '../shared/resolve-route.js';
import { TranslatableRequest, translatedPlan } from '../shared/translated-plan.js';
import { isStrictTranslation } from '../shared/translation-mode.js';
import type { UpstreamPlan } from '../shared/upstream-plan.js';
import { chatPassthroughPlan } from './chat-passthrough.js';

async function handle(
  out: ClientOutput,
  body: Record<string, unknown> | undefined,
  raw: Buffer | undefined,
): Promise<void> {
  const request = body as Record<string, unknown>;
  const route = resolveRoute(out.exchange, requireModel(request));
  const stream = optionalBoolean(request, 'stream');
  out.exchange.stream = stream;
  // Made for the first translated target only (one shared by all, so the request is parsed once): a request
  // its passthrough target serves never needs it.
  let translatable: TranslatableRequest | undefined;
  const planFor = (target: RouteTarget): UpstreamPlan | Promise<UpstreamPlan> => {
    if (target.dialect === 'openai-chat') return chatPassthroughPlan(request, raw as Buffer, target, stream);
    translatable ??= new TranslatableRequest(openaiChatClientCodec, request, {
      strict: () => isStrictTranslation(out.exchange, route.name),
      codecName: 'openai-chat',
    });
    return translatedPlan(translatable, target);
  };
  const error = await proxyToUpstream(out, route, planFor);
  if (error) throw error;
}

/** POST /v1/chat/completions */
export const chatCompletions: EntryPointSpec = {
  entryPoint: 'chat.completions',
  dialect: 'openai',
  method: 'POST',
  handle,
};
