import type { ClientDialect } from '../../api/shared/client-dialect.js';
import type { LimitTicket } from './limit-service.js';
import { putLimitHeaders } from './rate-limit-headers.js';

/**
 * Writes the dialect's rate-limit headers of an admitted request into its response headers: the key's own
 * limits as of its admission, not the provider's. The texts that stay the same for a second or a window come
 * formatted from the plan; a request formats only its remaining counts.
 */
export function writeAdmittedHeaders(into: Record<string, unknown>, ticket: LimitTicket, dialect: ClientDialect): void {
  const { plan, used, at } = ticket;
  if (plan.requestsTexts)
    putLimitHeaders(into, dialect, 'requests', plan.requestsTexts, used[plan.requestsAt] ?? 0, at);
  if (plan.tokensTexts) putLimitHeaders(into, dialect, 'tokens', plan.tokensTexts, used[plan.tokensAt] ?? 0, at);
}
