import type { AuditLog } from '../audit/audit-log.js';
import { log } from '../server/log.js';
import type { Store } from '../store/store.js';

/** The gateway itself, ending the grace period of a rotated key. */
const GRACE_ACTOR = { name: 'gateway', role: 'system', origin: 'gateway' };

/**
 * Ends the grace periods that have run out: the replaced token is forgotten and the end is audited. Several
 * gateways may run this at once; the conditional update lets exactly one of them end (and audit) each.
 * Returns how many ended. The directory refuses an old token past its grace time even before this runs.
 */
export async function endExpiredGraces(
  store: Pick<Store, 'listEndedGraces' | 'endClientKeyGrace'>,
  audit: AuditLog,
  now = Date.now(),
): Promise<number> {
  let ended = 0;
  // Only the keys whose grace ended: listing every key every 30 s would stall the loop on a large install.
  for (const key of await store.listEndedGraces(now)) {
    if (key.previousTokenSha256 === null || key.previousExpiresAt === null) continue;
    const done = await store.endClientKeyGrace(key.id, key.previousTokenSha256);
    if (!done) continue;
    ended++;
    log.info('rotation grace period ended', { key: key.name, key_id: key.id, prefix: key.prefix });
    await audit.record(GRACE_ACTOR, {
      action: 'keys.grace_ended',
      target: key.name,
      outcome: 'ok',
      detail: { id: key.id, ended_at: new Date(key.previousExpiresAt).toISOString() },
    });
  }
  return ended;
}
