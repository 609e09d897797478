import type { RouteTarget } from '../../routing/route-table.js';
import type { ClientOutput } from '../shared/client-output.js';
import type { EntryPointSpec } from '../shared/entry-point.js';
import { proxyToUpstream } from '../shared/proxy.js';
import { requireModel } from '../shared/read-body.js';
import { optionalBoolean, resolveRoute } from '../shared/resolve-route.js';
import { TranslatableRequest, translatedPlan } from '../shared/translated-plan.js';
import { isStrictTranslation } from '../shared/translation-mode.js';
import { responsesPassthroughPlan } from './responses-passthrough.js';
import { statefulTurn } from './stateful-turn.js';

/**
 * Requests are translated for providers without a Responses API; parse errors surface before routing. A stored
 * chain (previous_response_id) is expanded into the input first, and with storing on the finished Response is
 * kept (see stateful-turn.ts). A stateless turn (nothing stored, no chain) to a provider with its own Responses
 * API (Azure) passes through instead: the gateway then holds no state the upstream would need.
 */
async function handle(out: ClientOutput, body: Record<string, unknown> | undefined, raw?: Buffer): Promise<void> {
  const request = body as Record<string, unknown>;
  const route = resolveRoute(out.exchange, requireModel(request));
  out.exchange.stream = optionalBoolean(request, 'stream');
  const turn = await statefulTurn(out.exchange, request);
  const translatable = new TranslatableRequest(turn.codec, turn.body, {
    strict: () => isStrictTranslation(out.exchange, route.name),
    codecName: 'responses',
  });
  const passthroughPath = (target: RouteTarget) =>
    turn.stateless && raw !== undefined
      ? target.provider.descriptor.responsesPath?.(target.provider.config)
      : undefined;
  // What a translation refuses is refused before routing only when every target translates. A target with its
  // own Responses API decides for itself (built-in and custom tools, prompts ...); a translated fallback beside
  // it refuses such a request as its attempt (class unsupported).
  if (!route.targets.some((target) => passthroughPath(target) !== undefined)) {
    const listing = await translatable.check(turn.listed?.stem);
    if (turn.listed) turn.listed.items.utf8 = new Uint8Array(listing ?? Buffer.from('[]'));
  }
  const stream = out.exchange.stream;
  const error = await proxyToUpstream(out, route, (target) => {
    const path = passthroughPath(target);
    if (path === undefined || raw === undefined) return translatedPlan(translatable, target);
    const same = turn.body === request;
    return responsesPassthroughPlan(
      turn.body,
      same ? raw : Buffer.from(JSON.stringify(turn.body)),
      target,
      path,
      stream,
    );
  });
  if (error) throw error;
}

/** POST /v1/responses (OpenAI Responses) */
export const responses: EntryPointSpec = { entryPoint: 'responses', dialect: 'openai', method: 'POST', handle };
