import type { ClientDialect } from '../../api/shared/client-dialect.js';
import { tighterOf } from './limit-plan.js';
import type { LimitTicket } from './limit-service.js';
import { putLimitHeaders } from './rate-limit-headers.js';

/**
 * Writes the dialect's rate-limit headers of an admitted request into its response headers: the key's own
 * limits as of its admission, not the provider's (of the key's and its model's, the one with less left). The texts that stay the same for a second or a window come
 * formatted from the plan; a request formats only its remaining counts.
 */
export function writeAdmittedHeaders(into: Record<string, unknown>, ticket: LimitTicket, dialect: ClientDialect): void {
  const { plan, used, at } = ticket;
  if (plan.requestsTexts) {
    const i = tighterOf(plan.buckets, used, plan.requestsAt, plan.requestsAlsoAt);
    const texts = i === plan.requestsAt ? plan.requestsTexts : (plan.requestsAlsoTexts ?? plan.requestsTexts);
    putLimitHeaders(into, dialect, 'requests', texts, used[i] ?? 0, at);
  }
  if (plan.tokensTexts) {
    const i = tighterOf(plan.buckets, used, plan.tokensAt, plan.tokensAlsoAt);
    const texts = i === plan.tokensAt ? plan.tokensTexts : (plan.tokensAlsoTexts ?? plan.tokensTexts);
    putLimitHeaders(into, dialect, 'tokens', texts, used[i] ?? 0, at);
  }
}
