import type { AdminTokenView } from '../admin/admin-tokens.js';
import type { ClientKeyPage, ClientKeyView } from '../admin/client-keys.js';
import type { ConfigClientView } from '../admin/config-client-routes.js';
import type { PriceListRow } from '../admin/price-list.js';
import type { requestPage } from '../admin/request-log.js';
import type { UsageReport } from '../admin/usage-report.js';
import type { AuditVerification } from '../audit/audit-verify.js';
import type { AuditPage } from '../audit/audit-view.js';
import type { AdminUserView } from '../auth/admin-users.js';
import type { SessionView } from '../auth/sessions.js';
import type { DiffReport, PreviewReport, ValidationResult } from '../config/change/config-workflow.js';
import type { DraftSource } from '../config/change/draft.js';
import type { PublishOutcome } from '../config/change/publish.js';
import type { RevisionView } from '../config/change/revision-view.js';
import type { GuardRequest } from '../config/guard/guard-settings.js';
import type { ConfigProblem } from '../config/semantic-checks.js';

export type RequestPage = ReturnType<typeof requestPage>;

/** The body of a publish, as the admin API takes it. */
export type PublishBody = DraftSource & {
  message: string;
  guard?: GuardRequest | undefined;
  source?: 'cli' | 'file' | undefined;
  base_revision?: number | undefined;
};

/**
 * The admin operations the CLI performs, either against a running gateway's admin API (--url) or directly
 * on the store named by the config file. Both paths run the same service functions.
 */
export interface AdminClient {
  /** True when working on the store directly (no gateway in between). */
  readonly local: boolean;
  createKey(
    name: string,
    expiresInDays?: number,
    policy?: Record<string, unknown>,
  ): Promise<ClientKeyView & { token: string }>;
  /** One page of keys (`search`, `tag`, `status`, `limit`, `cursor` as `GET /keys` takes them). */
  listKeys(params: Record<string, string | undefined>): Promise<ClientKeyPage>;
  /** Applies a policy change (a JSON merge patch); the token stays. */
  updateKey(idOrName: string, change: Record<string, unknown>): Promise<ClientKeyView>;
  /** A new token; the old one keeps working for `grace` ("24h"). */
  rotateKey(idOrName: string, grace?: string): Promise<ClientKeyView & { token: string }>;
  revokeKey(idOrName: string): Promise<ClientKeyView>;
  /** The clients the running config declares, with their policies (read-only: the config is their source). */
  configClients(): Promise<{ revision: number | null; data: ConfigClientView[] }>;
  listRequests(params: Record<string, string | undefined>): Promise<RequestPage>;
  /** Requests, tokens and cost per group (`group_by`, `since`, `until` as the admin API takes them). */
  usage(params: Record<string, string | undefined>): Promise<UsageReport>;
  /** The effective price of every model the active config serves. */
  prices(): Promise<{ revision: number | null; data: PriceListRow[] }>;

  validate(source: DraftSource): Promise<ValidationResult>;
  diff(target: DraftSource, base?: DraftSource): Promise<DiffReport>;
  preview(target: DraftSource, window?: string): Promise<PreviewReport>;
  publish(body: PublishBody): Promise<PublishOutcome>;
  rollback(to?: number, message?: string): Promise<PublishOutcome>;
  history(limit: number, before?: number): Promise<{ data: RevisionView[]; next_before: number | null }>;
  show(revision: number): Promise<RevisionView & { content: string }>;
  exportConfig(): Promise<{ revision: number; content: string }>;

  listAudit(params: Record<string, string | undefined>): Promise<AuditPage>;
  verifyAudit(): Promise<AuditVerification>;

  createAdminToken(name: string, role: string): Promise<AdminTokenView & { token: string }>;
  listAdminTokens(): Promise<AdminTokenView[]>;
  revokeAdminToken(idOrName: string): Promise<AdminTokenView>;

  createAdminUser(name: string, role: string, password: string): Promise<AdminUserView>;
  listAdminUsers(): Promise<AdminUserView[]>;
  deleteAdminUser(idOrName: string): Promise<AdminUserView & { sessionsRevoked: number }>;
  listSessions(): Promise<SessionView[]>;
  revokeSession(id: string): Promise<SessionView>;

  close(): Promise<void>;
}

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problems: ConfigProblem[] = [],
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

export interface ConnectOptions {
  url?: string | undefined;
  token?: string | undefined;
  configPath: string;
}

export async function connectAdmin(options: ConnectOptions): Promise<AdminClient> {
  const url = options.url ?? process.env.AMG_URL;
  if (url) {
    const token = options.token ?? process.env.AMG_ADMIN_TOKEN;
    if (!token) throw new Error('an admin token is required with --url: pass --token or set AMG_ADMIN_TOKEN');
    const { HttpAdminClient } = await import('./http-admin-client.js');
    return new HttpAdminClient(url, token);
  }
  const { LocalAdminClient } = await import('./local-admin-client.js');
  return new LocalAdminClient(options.configPath);
}
