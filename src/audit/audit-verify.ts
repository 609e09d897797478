import type { Store } from '../store/store.js';
import { findChainBreak } from './audit-chain.js';

export type AuditVerification =
  | { ok: true; checked: number; head: { seq: number; hash: string } | null }
  | { ok: false; checked: number; broken: { seq: number; reason: string } };

/** Walks the whole chain page by page (never all of it in memory) and reports the first broken record. */
export async function verifyAuditChain(store: Pick<Store, 'auditPage'>, pageSize = 1_000): Promise<AuditVerification> {
  let previous: { seq: number; hash: string } | null = null;
  let checked = 0;
  for (;;) {
    const page = await store.auditPage(previous?.seq ?? 0, pageSize);
    const broken = findChainBreak(page, previous);
    if (broken) return { ok: false, checked: checked + page.findIndex((r) => r.seq === broken.seq), broken };
    checked += page.length;
    const last = page[page.length - 1];
    if (last) previous = { seq: last.seq, hash: last.hash };
    if (page.length < pageSize) return { ok: true, checked, head: previous };
  }
}
