import type { AdminTokenView } from '../admin/admin-tokens.js';
import type { ClientKeyPage, ClientKeyView } from '../admin/client-keys.js';
import type { ConfigClientView } from '../admin/config-client-routes.js';
import type { PriceListRow } from '../admin/price-list.js';
import type { UsageReport } from '../admin/usage-report.js';
import type { AuditVerification } from '../audit/audit-verify.js';
import type { AuditPage } from '../audit/audit-view.js';
import type { AdminUserView } from '../auth/admin-users.js';
import type { SessionView } from '../auth/sessions.js';
import type { DiffReport, PreviewReport, ValidationResult } from '../config/change/config-workflow.js';
import type { DraftSource } from '../config/change/draft.js';
import type { PublishOutcome } from '../config/change/publish.js';
import type { RevisionView } from '../config/change/revision-view.js';
import type { ConfigProblem } from '../config/semantic-checks.js';
import { AdminApiError, type AdminClient, type PublishBody, type RequestPage } from './admin-client.js';
import { adminApiUrl } from './admin-url.js';
import { fetchGateway } from './reach-gateway.js';

function query(params: Record<string, string | undefined>): string {
  return new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();
}

/** The admin operations through a running gateway's admin API. */
export class HttpAdminClient implements AdminClient {
  readonly local = false;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetchGateway(adminApiUrl(this.baseUrl, path), {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = (await response.json().catch(() => ({}))) as {
      error?: { message?: string; problems?: ConfigProblem[] };
    };
    if (!response.ok) {
      throw new AdminApiError(
        payload.error?.message ?? `HTTP ${response.status}`,
        response.status,
        payload.error?.problems,
      );
    }
    return payload as T;
  }

  createKey(name: string, expiresInDays?: number, policy: Record<string, unknown> = {}) {
    return this.call<ClientKeyView & { token: string }>('POST', '/keys', {
      ...policy,
      name,
      expires_in_days: expiresInDays,
    });
  }
  updateKey(idOrName: string, change: Record<string, unknown>) {
    return this.call<ClientKeyView>('PATCH', `/keys/${encodeURIComponent(idOrName)}`, change);
  }
  rotateKey(idOrName: string, grace?: string) {
    return this.call<ClientKeyView & { token: string }>('POST', `/keys/${encodeURIComponent(idOrName)}/rotate`, {
      grace,
    });
  }
  async listKeys(params: Record<string, string | undefined>) {
    return this.call<ClientKeyPage>('GET', `/keys?${query(params)}`);
  }
  revokeKey(idOrName: string) {
    return this.call<ClientKeyView>('DELETE', `/keys/${encodeURIComponent(idOrName)}`);
  }
  configClients() {
    return this.call<{ revision: number | null; data: ConfigClientView[] }>('GET', '/config-clients');
  }
  listRequests(params: Record<string, string | undefined>) {
    return this.call<RequestPage>('GET', `/requests?${query(params)}`);
  }
  usage(params: Record<string, string | undefined>) {
    return this.call<UsageReport>('GET', `/usage?${query(params)}`);
  }
  prices() {
    return this.call<{ revision: number | null; data: PriceListRow[] }>('GET', '/prices');
  }

  validate(source: DraftSource) {
    return this.call<ValidationResult>('POST', '/config/validate', source);
  }
  diff(target: DraftSource, base?: DraftSource) {
    return this.call<DiffReport>('POST', '/config/diff', { target, base });
  }
  preview(target: DraftSource, window?: string) {
    return this.call<PreviewReport>('POST', '/config/preview', { target, window });
  }
  publish(body: PublishBody) {
    return this.call<PublishOutcome>('POST', '/config/publish', body);
  }
  rollback(to?: number, message?: string) {
    return this.call<PublishOutcome>('POST', '/config/rollback', { revision: to, message });
  }
  history(limit: number, before?: number) {
    return this.call<{ data: RevisionView[]; next_before: number | null }>(
      'GET',
      `/config/revisions?${query({ limit: String(limit), before: before === undefined ? undefined : String(before) })}`,
    );
  }
  show(revision: number) {
    return this.call<RevisionView & { content: string }>('GET', `/config/revisions/${revision}`);
  }
  exportConfig() {
    return this.call<{ revision: number; content: string }>('GET', '/config/export');
  }

  listAudit(params: Record<string, string | undefined>) {
    return this.call<AuditPage>('GET', `/audit?${query(params)}`);
  }
  verifyAudit() {
    return this.call<AuditVerification>('GET', '/audit/verify');
  }

  createAdminToken(name: string, role: string) {
    return this.call<AdminTokenView & { token: string }>('POST', '/admin-tokens', { name, role });
  }
  async listAdminTokens() {
    return (await this.call<{ data: AdminTokenView[] }>('GET', '/admin-tokens')).data;
  }
  revokeAdminToken(idOrName: string) {
    return this.call<AdminTokenView>('DELETE', `/admin-tokens/${encodeURIComponent(idOrName)}`);
  }

  createAdminUser(name: string, role: string, password: string) {
    return this.call<AdminUserView>('POST', '/admin-users', { name, role, password });
  }
  async listAdminUsers() {
    return (await this.call<{ data: AdminUserView[] }>('GET', '/admin-users')).data;
  }
  deleteAdminUser(idOrName: string) {
    return this.call<AdminUserView & { sessionsRevoked: number }>(
      'DELETE',
      `/admin-users/${encodeURIComponent(idOrName)}`,
    );
  }
  async listSessions() {
    return (await this.call<{ data: SessionView[] }>('GET', '/sessions')).data;
  }
  revokeSession(id: string) {
    return this.call<SessionView>('DELETE', `/sessions/${encodeURIComponent(id)}`);
  }

  async close() {}
}
