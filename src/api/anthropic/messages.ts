import type { RouteTarget } from '../../routing/route-table.js';
import { anthropicClientCodec } from '../../translate/anthropic/codec.js';
import type { ClientOutput } from '../shared/client-output.js';
import type { EntryPointSpec } from '../shared/entry-point.js';
import { proxyToUpstream } from '../shared/proxy.js';
import { requireModel } from '../shared/read-body.js';
import { optionalBoolean, resolveRoute } from '../shared/resolve-route.js';
import { TranslatableRequest, translatedPlan } from '../shared/translated-plan.js';
import { isStrictTranslation } from '../shared/translation-mode.js';
import type { UpstreamPlan } from '../shared/upstream-plan.js';
import { messagesPassthroughPlan } from './messages-passthrough.js';

async function handle(
  out: ClientOutput,
  body: Record<string, unknown> | undefined,
  raw: Buffer | undefined,
): Promise<void> {
  const request = body as Record<string, unknown>;
  const route = resolveRoute(out.exchange, requireModel(request));
  const stream = optionalBoolean(request, 'stream');
  out.exchange.stream = stream;
  // anthropic-beta names Anthropic features; another provider gets none of them (their fields are reported).
  const translatable = new TranslatableRequest(anthropicClientCodec, request, {
    strict: () => isStrictTranslation(out.exchange, route.name),
    codecName: 'anthropic',
    dropped: out.exchange.clientHeaders['anthropic-beta'] ? ['anthropic-beta'] : undefined,
  });
  const planFor = (target: RouteTarget): UpstreamPlan | Promise<UpstreamPlan> =>
    target.dialect === 'anthropic-messages'
      ? messagesPassthroughPlan(request, raw as Buffer, target, out.exchange, stream)
      : translatedPlan(translatable, target);
  const error = await proxyToUpstream(out, route, planFor);
  if (error) throw error;
}

/** POST /v1/messages (Anthropic Messages) */
export const messages: EntryPointSpec = { entryPoint: 'messages', dialect: 'anthropic', method: 'POST', handle };
