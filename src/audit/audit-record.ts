/** One entry of the tamper-evident audit log. */

export type AuditOutcome = 'ok' | 'failed' | 'denied';

export interface AuditEntry {
  time: number;
  /** Admin token name, `local:<os user>`, `guard`, or `anonymous` for a request without a valid token. */
  actor: string;
  /** admin | viewer | local | system; null when the caller could not be identified. */
  role: string | null;
  /** Client IP for the admin API, "local" for the CLI on the store, "gateway" for the gateway itself. */
  origin: string;
  /** What was attempted, e.g. config.publish, keys.revoke, admin_tokens.create. */
  action: string;
  /** What it was done to (a revision, a key name), when there is one. */
  target: string | null;
  outcome: AuditOutcome;
  /** Canonical JSON of the redacted details. */
  detail: string;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  limit: number;
  /** Only records with a smaller sequence number (pagination cursor, newest first). */
  before?: number | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  outcome?: AuditOutcome | undefined;
  since?: number | undefined;
}
