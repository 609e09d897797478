import { parseInstant } from '../config/instant.js';
import type { AuditOutcome, AuditQuery, AuditRecord } from './audit-record.js';

export const MAX_AUDIT_PAGE = 1_000;
const OUTCOMES = new Set<AuditOutcome>(['ok', 'failed', 'denied']);

/**
 * Reads audit filters from query parameters; invalid values throw a RangeError naming the parameter. `since`
 * takes what the usage report and the request log take (`1h`, an ISO date-time, epoch ms; a time without an
 * offset is UTC), so `amg audit --since 1h` works during an incident as `amg usage --since 1h` does.
 */
export function parseAuditQuery(params: Record<string, string | undefined>, now = Date.now()): AuditQuery {
  const limit = params.limit === undefined ? 50 : Number(params.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) {
    throw new RangeError(`limit must be an integer between 1 and ${MAX_AUDIT_PAGE}`);
  }
  const before = params.before === undefined ? undefined : Number(params.before);
  if (before !== undefined && !Number.isInteger(before)) throw new RangeError('before must be a sequence number');
  const outcome = params.outcome as AuditOutcome | undefined;
  if (outcome !== undefined && !OUTCOMES.has(outcome)) throw new RangeError('outcome must be ok, failed or denied');
  const since = params.since ? parseInstant(params.since, 'since', now) : undefined;
  return { limit, before, actor: params.actor || undefined, action: params.action || undefined, outcome, since };
}

export interface AuditRecordView {
  seq: number;
  time: string;
  actor: string;
  role: string | null;
  origin: string;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  detail: unknown;
  hash: string;
}

export function viewAuditRecord(record: AuditRecord): AuditRecordView {
  return {
    seq: record.seq,
    time: new Date(record.time).toISOString(),
    actor: record.actor,
    role: record.role,
    origin: record.origin,
    action: record.action,
    target: record.target,
    outcome: record.outcome,
    detail: JSON.parse(record.detail) as unknown,
    hash: record.hash,
  };
}

export function auditPageView(records: AuditRecord[], limit: number) {
  const last = records[records.length - 1];
  return { data: records.map(viewAuditRecord), next_before: records.length === limit && last ? last.seq : null };
}

export type AuditPage = ReturnType<typeof auditPageView>;
