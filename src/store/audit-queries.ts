import type { Kysely, Selectable } from 'kysely';
import { auditHash, GENESIS_HASH } from '../audit/audit-chain.js';
import type { AuditEntry, AuditOutcome, AuditQuery, AuditRecord } from '../audit/audit-record.js';
import { retryOnConflict } from './retry-on-conflict.js';
import type { AuditLogTable, Database } from './schema.js';

function fromRow(row: Selectable<AuditLogTable>): AuditRecord {
  return {
    seq: Number(row.seq),
    time: Number(row.time),
    actor: row.actor,
    role: row.role,
    origin: row.origin,
    action: row.action,
    target: row.target,
    outcome: row.outcome as AuditOutcome,
    detail: row.detail,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Appends to the hash chain: reads the last record and inserts the next in one transaction. A concurrent
 * writer that took the same sequence number makes the insert collide, and the append is retried on top of it.
 */
export function appendAudit(db: Kysely<Database>, entry: AuditEntry): Promise<AuditRecord> {
  return retryOnConflict(() =>
    db.transaction().execute(async (trx) => {
      const last = await trx
        .selectFrom('audit_log')
        .select(['seq', 'hash'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      const seq = last ? Number(last.seq) + 1 : 1;
      const prevHash = last?.hash ?? GENESIS_HASH;
      const hash = auditHash(prevHash, seq, entry);
      await trx
        .insertInto('audit_log')
        .values({
          seq,
          time: entry.time,
          actor: entry.actor,
          role: entry.role,
          origin: entry.origin,
          action: entry.action,
          target: entry.target,
          outcome: entry.outcome,
          detail: entry.detail,
          prev_hash: prevHash,
          hash,
        })
        .execute();
      return { ...entry, seq, prevHash, hash };
    }),
  );
}

/** Newest first, filtered. */
export async function listAudit(db: Kysely<Database>, query: AuditQuery): Promise<AuditRecord[]> {
  let select = db.selectFrom('audit_log').selectAll();
  if (query.before !== undefined) select = select.where('seq', '<', query.before);
  if (query.actor) select = select.where('actor', '=', query.actor);
  if (query.action) select = select.where('action', '=', query.action);
  if (query.outcome) select = select.where('outcome', '=', query.outcome);
  if (query.since !== undefined) select = select.where('time', '>=', query.since);
  const rows = await select.orderBy('seq', 'desc').limit(query.limit).execute();
  return rows.map(fromRow);
}

/** Oldest first from after `afterSeq`: pages for verifying the chain without loading all of it. */
export async function auditPage(db: Kysely<Database>, afterSeq: number, limit: number): Promise<AuditRecord[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('seq', '>', afterSeq)
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute();
  return rows.map(fromRow);
}
