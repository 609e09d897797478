import { userInfo } from 'node:os';
import { log } from '../server/log.js';
import type { Store } from '../store/store.js';
import type { AuditOutcome, AuditRecord } from './audit-record.js';
import { canonicalJson } from './canonical-json.js';

/** Who performs an administrative action, and from where. */
export interface Actor {
  name: string;
  role: string | null;
  origin: string;
}

/** The operator of the CLI working on the store directly. */
export function localActor(): Actor {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? 'unknown';
  }
  return { name: `local:${user}`, role: 'local', origin: 'local' };
}

/** The gateway acting on its own (the publish guard). */
export const GUARD_ACTOR: Actor = { name: 'guard', role: 'system', origin: 'gateway' };

const SECRET_KEYS = /^(token|api_key|authorization|password|secret|master_key)$/i;

/** Defence in depth: values under keys that name secrets are never written to the audit log. */
export function redactDetail(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactDetail);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, SECRET_KEYS.test(key) ? '<redacted>' : redactDetail(child)]),
  );
}

const recorded = new WeakSet<object>();

/** Marks an error whose failure is already in the audit log, so an outer layer does not record it twice. */
export function markAudited<T>(error: T): T {
  if (error !== null && typeof error === 'object') recorded.add(error);
  return error;
}

export function wasAudited(error: unknown): boolean {
  return error !== null && typeof error === 'object' && recorded.has(error);
}

export interface AuditEvent {
  action: string;
  outcome: AuditOutcome;
  target?: string | null | undefined;
  detail?: Record<string, unknown> | undefined;
}

/** Writes administrative actions to the store's hash-chained audit log. */
export class AuditLog {
  constructor(
    private readonly store: Pick<Store, 'appendAudit'>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records an event. A failure to write is logged, not thrown: the action it describes has already
   * happened (or been refused) and must not be reported otherwise because the log could not be written.
   */
  async record(actor: Actor, event: AuditEvent): Promise<AuditRecord | undefined> {
    try {
      return await this.store.appendAudit({
        time: this.now(),
        actor: actor.name,
        role: actor.role,
        origin: actor.origin,
        action: event.action,
        target: event.target ?? null,
        outcome: event.outcome,
        detail: canonicalJson(redactDetail(event.detail ?? {})),
      });
    } catch (error) {
      log.error('audit log write failed', { action: event.action, actor: actor.name, error: String(error) });
      return undefined;
    }
  }
}
