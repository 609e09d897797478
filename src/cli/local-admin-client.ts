import { existsSync } from 'node:fs';
import { audited, CredentialActions } from '../admin/admin-actions.js';
import { listAdminTokens } from '../admin/admin-tokens.js';
import { listClientKeys, parseKeyPolicy } from '../admin/client-keys.js';
import { configClients } from '../admin/config-client-routes.js';
import {
  parseDraftSource,
  parseHistoryQuery,
  parsePublishBody,
  parseRollbackBody,
  parseWindow,
} from '../admin/config-request.js';
import { priceList } from '../admin/price-list.js';
import { parseRequestQuery, readRequestPage } from '../admin/request-log.js';
import { parseUsageQuery, usageReport } from '../admin/usage-report.js';
import { AuditLog, localActor } from '../audit/audit-log.js';
import { verifyAuditChain } from '../audit/audit-verify.js';
import { auditPageView, parseAuditQuery } from '../audit/audit-view.js';
import { createAdminUser, deleteAdminUser, viewAdminUser } from '../auth/admin-users.js';
import { viewSession } from '../auth/sessions.js';
import { checkConfig, checkConfigForPreview } from '../config/change/config-check.js';
import { ConfigWorkflow, summarize, type ValidationResult } from '../config/change/config-workflow.js';
import type { DraftSource } from '../config/change/draft.js';
import { parseDuration } from '../config/duration.js';
import { ConfigError, parseYaml, readConfigText } from '../config/load-config.js';
import { Keyring } from '../config/secrets/master-key.js';
import { readStorageSetting } from '../config/storage-setting.js';
import { unconfiguredProviderWarnings } from '../providers/unconfigured-providers.js';
import { BudgetCalendar } from '../routing/limits/budget-calendar.js';
import { openStore, parseStorageUrl } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { AdminClient, PublishBody } from './admin-client.js';
import { runningGatewayUrl } from './running-gateway.js';

interface LocalContext {
  store: Store;
  workflow: ConfigWorkflow;
  credentials: CredentialActions;
  audit: AuditLog;
}

/**
 * The admin operations on the store the config file names, as `local:<os user>`. Changes reach running
 * gateways on the same store through their polling (config within 3 s, credentials within 5 s).
 */
export class LocalAdminClient implements AdminClient {
  readonly local = true;
  private opened: Promise<LocalContext> | undefined;
  private readonly actor = localActor();

  constructor(private readonly configPath: string) {}

  private async storageLocation() {
    const setting = await readStorageSetting(this.configPath);
    return { location: parseStorageUrl(setting.url, setting.baseDir), baseDir: setting.baseDir };
  }

  private context(): Promise<LocalContext> {
    this.opened ??= (async () => {
      const { location, baseDir } = await this.storageLocation();
      if (location.file !== ':memory:' && !existsSync(location.file)) await this.beforeNewStore(location.file);
      const store = await openStore(location);
      const audit = new AuditLog(store);
      const keyring = Keyring.forStorage(location.file, process.env, store);
      const workflow = new ConfigWorkflow({ store, keyring, env: process.env, baseDir, audit, now: Date.now });
      return { store, workflow, credentials: new CredentialActions(store, audit), audit };
    })();
    return this.opened;
  }

  /**
   * The store file is missing. With a gateway running on this config, its store was deleted or moved under it:
   * an empty store created here would split the two, so the command refuses. Otherwise this is a first use, and
   * the new store is announced rather than created silently.
   */
  private async beforeNewStore(file: string): Promise<void> {
    const running = await runningGatewayUrl(this.configPath, file);
    if (running) {
      throw new Error(
        `the store ${file} does not exist, but a gateway answers at ${running}: its data was deleted or moved ` +
          'while it runs. amg will not create an empty store behind its back; restore the file from a backup, or ' +
          `restart the gateway (it then starts a new store), or talk to it with --url ${running}`,
      );
    }
    process.stderr.write(`amg: no store at ${file} yet; creating a new, empty one\n`);
  }

  async createKey(name: string, expiresInDays?: number, policy: Record<string, unknown> = {}) {
    const created = await (await this.context()).credentials.createKey(this.actor, {
      name,
      expiresInDays,
      policy: parseKeyPolicy(policy),
    });
    return { ...created.key, token: created.token };
  }
  async updateKey(idOrName: string, change: Record<string, unknown>) {
    return (await this.context()).credentials.updateKey(this.actor, idOrName, change);
  }
  async rotateKey(idOrName: string, grace?: string) {
    const graceMs = grace === undefined ? 0 : parseDuration(grace);
    if (graceMs === undefined) throw new Error(`--grace takes a duration such as 24h or 30m (got "${grace}")`);
    const rotated = await (await this.context()).credentials.rotateKey(this.actor, idOrName, graceMs);
    return { ...rotated.key, token: rotated.token };
  }
  async listKeys(params: Record<string, string | undefined>) {
    return listClientKeys((await this.context()).store, params);
  }
  async revokeKey(idOrName: string) {
    return (await this.context()).credentials.revokeKey(this.actor, idOrName);
  }
  async configClients() {
    const { revision, config } = await this.activeConfig();
    return { revision, data: configClients(config) };
  }
  async listRequests(params: Record<string, string | undefined>) {
    const calendar = new BudgetCalendar((await this.activeConfig()).config.limits.budget_timezone);
    const query = parseRequestQuery(params, Date.now(), (wall) => calendar.instantOf(wall));
    return readRequestPage((await this.context()).store, query);
  }
  /** Dates without an offset are read in the budget time zone of the config the gateways run, as they do. */
  async usage(params: Record<string, string | undefined>) {
    const { config } = await this.activeConfig();
    const query = parseUsageQuery(params, Date.now(), undefined, config.limits.budget_timezone);
    return usageReport((await this.context()).store, query);
  }
  async prices() {
    const { revision, config } = await this.activeConfig();
    return { revision, data: priceList(config) };
  }
  /**
   * The active revision (what the gateways on this store run), else the config file. Prices and time zones
   * need no secrets: unset variables are filled in as a preview does.
   */
  private async activeConfig() {
    const active = await (await this.context()).workflow.active();
    const tree = active ? active.tree : parseYaml(await readConfigText(this.configPath), this.configPath);
    const { baseDir } = await this.storageLocation();
    const { loaded, report } = checkConfigForPreview(
      tree,
      { env: process.env, baseDir },
      active?.label ?? this.configPath,
    );
    if (!loaded) throw new Error(`the config is not valid: ${report.errors.map((e) => e.message).join('; ')}`);
    return { revision: active?.revision?.number ?? null, config: loaded.config };
  }

  /** Validates against the store's active revision when there is a store; a plain file check otherwise. */
  async validate(source: DraftSource): Promise<ValidationResult> {
    const hasStore = await this.storageLocation().then(
      ({ location }) => location.file === ':memory:' || existsSync(location.file),
      () => false,
    );
    if (hasStore) return (await this.context()).workflow.validate(parseDraftSource(source, 'source'));
    if (!('content' in source)) throw new Error(`there is no store to read revision ${source.revision} from`);
    const name = source.name ?? 'draft';
    try {
      const { loaded, report } = checkConfig(parseYaml(source.content, name), { env: process.env, baseDir: '.' }, name);
      if (!loaded) return { source: name, ...report };
      const warnings = [...report.warnings, ...unconfiguredProviderWarnings(loaded)];
      return { source: name, ...report, warnings, summary: summarize(loaded.config) };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return { source: name, valid: false, errors: error.problems, warnings: [] };
    }
  }
  async diff(target: DraftSource, base?: DraftSource) {
    return (await this.context()).workflow.diff(target, base);
  }
  async preview(target: DraftSource, window?: string) {
    return (await this.context()).workflow.preview(target, parseWindow(window));
  }
  async publish(body: PublishBody) {
    return (await this.context()).workflow.publish(parsePublishBody(body), this.actor);
  }
  async rollback(to?: number, message?: string) {
    const request = parseRollbackBody({ revision: to, message });
    return (await this.context()).workflow.rollback({ ...request, source: 'rollback' }, this.actor);
  }
  async history(limit: number, before?: number) {
    const query = parseHistoryQuery({
      limit: String(limit),
      before: before === undefined ? undefined : String(before),
    });
    return (await this.context()).workflow.history(query);
  }
  async show(revision: number) {
    return (await this.context()).workflow.show(revision);
  }
  async exportConfig() {
    return (await this.context()).workflow.export(this.actor);
  }

  async listAudit(params: Record<string, string | undefined>) {
    const query = parseAuditQuery(params);
    return auditPageView(await (await this.context()).store.listAudit(query), query.limit);
  }
  async verifyAudit() {
    return verifyAuditChain((await this.context()).store);
  }

  async createAdminToken(name: string, role: string) {
    const created = await (await this.context()).credentials.createAdminToken(this.actor, { name, role });
    return { ...created.view, token: created.token };
  }
  async listAdminTokens() {
    return listAdminTokens((await this.context()).store);
  }
  async revokeAdminToken(idOrName: string) {
    return (await this.context()).credentials.revokeAdminToken(this.actor, idOrName);
  }

  async createAdminUser(name: string, role: string, password: string) {
    const { store, audit } = await this.context();
    return audited(
      audit,
      this.actor,
      { action: 'admin_users.create', target: name, detail: { role } },
      () => createAdminUser(store, { name, role, password }),
      (user) => ({ id: user.id }),
    );
  }
  async listAdminUsers() {
    return (await (await this.context()).store.listAdminUsers()).map(viewAdminUser);
  }
  async deleteAdminUser(idOrName: string) {
    const { store, audit } = await this.context();
    return audited(audit, this.actor, { action: 'admin_users.delete', target: idOrName }, () =>
      deleteAdminUser(store, idOrName),
    );
  }
  /** Sessions not revoked and not past their expiry (the store cannot tell idle ones without the gateway's settings). */
  async listSessions() {
    return (await (await this.context()).store.listSessions(Date.now())).map(viewSession);
  }
  async revokeSession(id: string) {
    const { store, audit } = await this.context();
    const revoked = await audited(audit, this.actor, { action: 'session.revoke', target: id }, () =>
      store.revokeSessions({ id }, Date.now()),
    );
    const [session] = revoked;
    if (!session) throw new Error(`no active session ${id}`);
    return viewSession(session);
  }

  async close() {
    const context = await this.opened?.catch(() => undefined);
    await context?.store.close();
  }
}
