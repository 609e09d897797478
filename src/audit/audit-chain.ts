import { createHash } from 'node:crypto';
import type { AuditEntry, AuditRecord } from './audit-record.js';
import { canonicalJson } from './canonical-json.js';

/** The previous hash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** sha256 over the previous record's hash and a canonical serialisation of every field of this one. */
export function auditHash(prevHash: string, seq: number, entry: AuditEntry): string {
  const fields = canonicalJson({
    seq,
    time: entry.time,
    actor: entry.actor,
    role: entry.role,
    origin: entry.origin,
    action: entry.action,
    target: entry.target,
    outcome: entry.outcome,
    detail: entry.detail,
  });
  return createHash('sha256').update(prevHash).update('\n').update(fields).digest('hex');
}

export type ChainBreak = { seq: number; reason: string };

/**
 * Checks records that follow `previous` (null before the first record): consecutive sequence numbers, each
 * linked to the hash of the one before, each hash matching its fields. Returns the first break.
 */
export function findChainBreak(
  records: readonly AuditRecord[],
  previous: { seq: number; hash: string } | null,
): ChainBreak | undefined {
  let expectedSeq = previous ? previous.seq + 1 : 1;
  let expectedPrev = previous ? previous.hash : GENESIS_HASH;
  for (const record of records) {
    if (record.seq !== expectedSeq) {
      const missing =
        record.seq > expectedSeq ? `records ${expectedSeq}..${record.seq - 1} are missing` : 'out of order';
      return { seq: record.seq, reason: `sequence gap: ${missing}` };
    }
    if (record.prevHash !== expectedPrev) {
      return { seq: record.seq, reason: `prev_hash does not match the hash of record ${record.seq - 1}` };
    }
    if (auditHash(record.prevHash, record.seq, record) !== record.hash) {
      return { seq: record.seq, reason: 'hash does not match the record: it was modified after it was written' };
    }
    expectedSeq = record.seq + 1;
    expectedPrev = record.hash;
  }
  return undefined;
}
