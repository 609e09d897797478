import { type Actor, type AuditLog, markAudited } from '../audit/audit-log.js';
import type { KeyPolicy } from '../config/key-policy-schema.js';
import type { Store } from '../store/store.js';
import { type AdminTokenView, createAdminToken, revokeAdminToken } from './admin-tokens.js';
import {
  type ClientKeyView,
  createClientKey,
  revokeClientKey,
  rotateClientKey,
  updateClientKey,
} from './client-keys.js';

/** Runs an administrative action and records it in the audit log, whether it succeeds or fails. */
export async function audited<T>(
  audit: AuditLog,
  actor: Actor,
  event: { action: string; target: string; detail?: Record<string, unknown> },
  run: () => Promise<T>,
  describe: (result: T) => Record<string, unknown> = () => ({}),
): Promise<T> {
  try {
    const result = await run();
    await audit.record(actor, { ...event, outcome: 'ok', detail: { ...event.detail, ...describe(result) } });
    return result;
  } catch (error) {
    await audit.record(actor, {
      ...event,
      outcome: 'failed',
      detail: { ...event.detail, error: (error as Error).message },
    });
    throw markAudited(error);
  }
}

/** Credential changes, audited; used by the admin API and by the CLI on the local store alike. */
export class CredentialActions {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
  ) {}

  createKey(actor: Actor, input: { name: string; expiresInDays?: number | undefined; policy?: KeyPolicy | undefined }) {
    return audited(
      this.audit,
      actor,
      {
        action: 'keys.create',
        target: input.name,
        detail: { expires_in_days: input.expiresInDays ?? null, policy: input.policy ?? {} },
      },
      () => createClientKey(this.store, input),
      (created) => ({ id: created.key.id, prefix: created.key.prefix }),
    );
  }

  /** Changes a key's models, limits, budgets or tags (the audit entry holds the change and the result). */
  updateKey(actor: Actor, idOrName: string, change: Record<string, unknown>): Promise<ClientKeyView> {
    return audited(
      this.audit,
      actor,
      { action: 'keys.update', target: idOrName, detail: { change } },
      () => updateClientKey(this.store, idOrName, change),
      (updated) => ({ id: updated.id, policy: updated.policy }),
    );
  }

  /** Issues a new token; the old one works until the grace period ends (audited then as keys.grace_ended). */
  rotateKey(actor: Actor, idOrName: string, graceMs: number) {
    return audited(
      this.audit,
      actor,
      { action: 'keys.rotate', target: idOrName, detail: { grace_ms: graceMs } },
      () => rotateClientKey(this.store, idOrName, graceMs),
      (rotated) => ({
        id: rotated.key.id,
        prefix: rotated.key.prefix,
        previous_token_valid_until: rotated.key.previousTokenValidUntil,
      }),
    );
  }

  revokeKey(actor: Actor, idOrName: string): Promise<ClientKeyView> {
    return audited(this.audit, actor, { action: 'keys.revoke', target: idOrName }, () =>
      revokeClientKey(this.store, idOrName),
    );
  }

  createAdminToken(
    actor: Actor,
    input: { name: string; role: string },
  ): Promise<{ token: string; view: AdminTokenView }> {
    return audited(
      this.audit,
      actor,
      { action: 'admin_tokens.create', target: input.name, detail: { role: input.role } },
      () => createAdminToken(this.store, input),
      (created) => ({ id: created.view.id }),
    );
  }

  revokeAdminToken(actor: Actor, idOrName: string): Promise<AdminTokenView> {
    return audited(this.audit, actor, { action: 'admin_tokens.revoke', target: idOrName }, async () => {
      const revoked = await revokeAdminToken(this.store, idOrName);
      // Browser sessions opened with this token end with it.
      await this.store.revokeSessions({ subjectId: revoked.id }, Date.now());
      return revoked;
    });
  }
}
