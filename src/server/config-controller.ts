import { readFile } from 'node:fs/promises';
import { type AuditLog, GUARD_ACTOR, localActor } from '../audit/audit-log.js';
import { ChangeError } from '../config/change/change-error.js';
import { checkConfig } from '../config/change/config-check.js';
import { ConfigWorkflow, type FileState } from '../config/change/config-workflow.js';
import { openRevision } from '../config/change/draft.js';
import type { PublishOutcome } from '../config/change/publish.js';
import { touchedModels } from '../config/change/touched-models.js';
import type { Env } from '../config/env-expand.js';
import { type ChangeGuard, type GuardVerdict, type GuardWatch, rateOf } from '../config/guard/change-guard.js';
import { ConfigError, type LoadedConfig } from '../config/load-config.js';
import type { ConfigRevision } from '../config/revision.js';
import type { GatewayConfig } from '../config/schema.js';
import type { Keyring } from '../config/secrets/master-key.js';
import type { Store } from '../store/store.js';
import { log } from './log.js';

export interface ConfigControllerDeps {
  store: Store;
  keyring: Keyring;
  audit: AuditLog;
  env: Env;
  baseDir: string;
  configPath: string;
  guard: ChangeGuard;
  now: () => number;
  /** This gateway's id among the reports of running gateways. */
  gatewayId?: string | undefined;
  /** Swaps the running snapshot; requests in flight keep the one they started with. */
  install(loaded: LoadedConfig, revision: number): void;
  running(): { revision: number | null; config: GatewayConfig };
}

interface GuardReport {
  revision: number;
  state: 'watching' | 'passed' | 'rolled_back' | 'rollback_failed';
  models: string[];
  detail: string;
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const requests = (count: number) => `${count} ${count === 1 ? 'request' : 'requests'}`;

function describeWatch(watch: GuardWatch): string {
  return `${requests(watch.after.requests)}, ${percent(rateOf(watch.after))} errors; before: ${percent(rateOf(watch.baseline))} of ${requests(watch.baseline.requests)}`;
}

/** Says loudly when a published config file cannot run on every gateway of the store (see publish.ts). */
export function warnAboutOtherGateways(outcome: PublishOutcome): PublishOutcome {
  if (outcome.status !== 'published') return outcome;
  for (const warning of outcome.warnings) {
    if (warning.path === 'environment')
      log.warn('published config cannot run on another gateway', { warning: warning.message });
  }
  return outcome;
}

/**
 * The one path by which configuration reaches the running gateway: startup, SIGHUP, publish and rollback
 * through the admin API, revisions activated by other processes on the same store (polled), and the guard.
 * Applies are serialised, and each converges on the store's active revision.
 */
const INTERRUPTED = 'the gateway that watched it stopped before the guard window ended; nothing was judged';

export class ConfigController {
  readonly workflow: ConfigWorkflow;
  private queue: Promise<void> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private guardTimer: NodeJS.Timeout | undefined;
  private guardTickMs = 500;
  private started = false;
  private applyError: { revision: number; error: string } | undefined;
  private guardReport: GuardReport | undefined;

  constructor(private readonly deps: ConfigControllerDeps) {
    this.workflow = new ConfigWorkflow({
      store: deps.store,
      keyring: deps.keyring,
      env: deps.env,
      baseDir: deps.baseDir,
      audit: deps.audit,
      now: deps.now,
      gatewayId: deps.gatewayId,
      apply: (revision, loaded) => this.converge({ revision, loaded }),
    });
  }

  /**
   * Polls the store's active revision (changes made by the CLI or another instance), and ticks the guard while
   * it watches a revision.
   */
  start(pollMs = 3_000, guardTickMs = 500): void {
    const poll = setInterval(() => {
      this.converge().catch((error: unknown) => log.warn('config poll failed', { error: String(error) }));
    }, pollMs);
    poll.unref();
    this.timers = [poll];
    this.guardTickMs = guardTickMs;
    this.started = true;
    if (this.deps.guard.current) this.tickWhileWatching();
  }

  /**
   * The guard's tick runs only while a guarded revision is watched (minutes after a guarded publish): ticking
   * twice a second for nothing was one more task between a running gateway's requests (issue 14's p99).
   */
  private tickWhileWatching(): void {
    if (this.guardTimer || !this.started) return;
    this.guardTimer = setInterval(() => {
      this.guardTick().catch((error: unknown) => log.error('config guard failed', { error: String(error) }));
    }, this.guardTickMs);
    this.guardTimer.unref();
  }

  /** Whether the guard's tick is running (for tests). */
  get guardTicking(): boolean {
    return this.guardTimer !== undefined;
  }

  private stopGuardTick(): void {
    clearInterval(this.guardTimer);
    this.guardTimer = undefined;
  }

  /**
   * A guard the active revision inherited from a gateway that stopped during its window (this one does not
   * resume it) is marked `interrupted` once the window is over, unless a gateway still watching it has given
   * its verdict by then, so `amg status` never shows it "watching" forever.
   */
  async settleInheritedGuard(): Promise<void> {
    const number = await this.deps.store.activeRevisionNumber();
    const revision = number === null ? undefined : await this.deps.store.getRevision(number);
    if (!revision?.guard || revision.guardState !== 'watching') return;
    const settle = async () => {
      const now = await this.deps.store.getRevision(revision.number);
      if (now?.guardState !== 'watching') return;
      await this.deps.store.setGuardState(revision.number, 'interrupted', INTERRUPTED);
      log.warn('config guard: no gateway watched the end of the guard window', { revision: revision.number });
    };
    const wait = revision.createdAt + revision.guard.windowMs - this.deps.now();
    if (wait <= 0) return settle();
    // A second past the end, so that a gateway still watching it (ticking every half second) judges first.
    const timer = setTimeout(() => {
      settle().catch((error: unknown) => log.warn('config guard: settling failed', { error: String(error) }));
    }, wait + 1_000);
    timer.unref();
    this.timers.push(timer);
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.started = false;
    this.stopGuardTick();
  }

  /** The gateway started on an earlier revision because the active one cannot run here: report it as such. */
  startedWithout(revision: number, error: string): void {
    this.applyError = { revision, error };
  }

  /** Brings the running config to the store's active revision; `hint` saves reloading a just-published one. */
  converge(hint?: { revision: ConfigRevision; loaded: LoadedConfig }): Promise<void> {
    const run = this.queue.then(() => this.applyActive(hint));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyActive(hint?: { revision: ConfigRevision; loaded: LoadedConfig }): Promise<void> {
    const number = await this.deps.store.activeRevisionNumber();
    const before = this.deps.running();
    if (number === null || number === before.revision || number === this.applyError?.revision) return;
    const revision = hint?.revision.number === number ? hint.revision : await this.deps.store.getRevision(number);
    if (!revision) return;
    let loaded = hint?.revision.number === number ? hint.loaded : undefined;
    if (!loaded) {
      const draft = await openRevision(revision, this.deps.keyring).catch((error: unknown) => error as Error);
      const checked =
        draft instanceof Error
          ? undefined
          : checkConfig(draft.tree, { env: this.deps.env, baseDir: this.deps.baseDir }, `revision ${number}`);
      loaded = checked?.loaded;
      if (!loaded) {
        const error =
          draft instanceof Error
            ? draft.message
            : (checked?.report.errors ?? []).map((p) => `${p.path}: ${p.message}`).join('; ');
        this.applyError = { revision: number, error };
        log.error('cannot apply the active config revision; keeping the running one', { revision: number, error });
        return;
      }
    }
    this.deps.install(loaded, number);
    this.applyError = undefined;
    log.info('config revision applied', { revision: number, source: revision.source });
    // A config client whose expires_at has passed loads (that is how one is switched off at a set time), but a
    // typo in the year would otherwise pass unseen: `amg serve` and a reload said nothing, only `config validate`.
    for (const warning of loaded.warnings) {
      if (/^clients\[\d+\]\.expires_at$/.test(warning.path)) {
        log.warn('config client expired', { revision: number, path: warning.path, warning: warning.message });
      }
    }
    await this.watchIfGuarded(revision, before.config, loaded.config);
  }

  private async watchIfGuarded(revision: ConfigRevision, before: GatewayConfig, after: GatewayConfig): Promise<void> {
    const current = this.deps.guard.current;
    if (current && current.revision !== revision.number) {
      this.deps.guard.stop();
      await this.deps.store.setGuardState(current.revision, 'superseded', `replaced by revision ${revision.number}`);
      this.guardReport = undefined;
    }
    const { guard, parent } = revision;
    const open = guard && revision.guardState === 'watching' && this.deps.now() < revision.createdAt + guard.windowMs;
    if (!guard || !open || parent === null) return;
    const models = touchedModels(before, after);
    const watch = this.deps.guard.start(revision.number, parent, models, guard);
    this.guardReport = { revision: revision.number, state: 'watching', models, detail: describeWatch(watch) };
    this.tickWhileWatching();
  }

  private async guardTick(): Promise<void> {
    const result = this.deps.guard.check();
    // A final verdict (or a newer change, which stopped the watch) ends the tick until the next guarded revision.
    if (!this.deps.guard.current) this.stopGuardTick();
    if (!result) return;
    const { watch, verdict } = result;
    if (verdict.kind === 'watching') {
      this.guardReport = {
        revision: watch.revision,
        state: 'watching',
        models: watch.models,
        detail: describeWatch(watch),
      };
      return;
    }
    if (verdict.kind === 'passed') await this.guardPassed(watch);
    else await this.guardRollback(watch, verdict);
  }

  private async guardPassed(watch: GuardWatch): Promise<void> {
    const detail = describeWatch(watch);
    await this.deps.store.setGuardState(watch.revision, 'passed', detail);
    this.guardReport = { revision: watch.revision, state: 'passed', models: watch.models, detail };
    await this.deps.audit.record(GUARD_ACTOR, {
      action: 'config.guard',
      outcome: 'ok',
      target: `revision ${watch.revision}`,
      detail: { verdict: 'passed', models: watch.models, baseline: watch.baseline, after: watch.after },
    });
  }

  private async guardRollback(watch: GuardWatch, verdict: Extract<GuardVerdict, { kind: 'rollback' }>): Promise<void> {
    log.warn('config guard: rolling back', { revision: watch.revision, to: watch.previous, reason: verdict.reason });
    try {
      await this.workflow.rollback(
        {
          to: watch.previous,
          source: 'guard',
          expectActive: watch.revision,
          reason: verdict.reason,
          message: `guard: ${verdict.reason}`,
        },
        GUARD_ACTOR,
      );
      await this.deps.store.setGuardState(watch.revision, 'rolled_back', verdict.reason);
      this.guardReport = {
        revision: watch.revision,
        state: 'rolled_back',
        models: watch.models,
        detail: verdict.reason,
      };
    } catch (error) {
      const superseded = error instanceof ChangeError && error.kind === 'conflict';
      const detail = superseded
        ? 'another change replaced the revision first'
        : `rollback failed: ${(error as Error).message}`;
      await this.deps.store.setGuardState(watch.revision, superseded ? 'superseded' : 'rollback_failed', detail);
      this.guardReport = superseded
        ? undefined
        : { revision: watch.revision, state: 'rollback_failed', models: watch.models, detail };
      if (!superseded) log.error('config guard could not roll back', { revision: watch.revision, error: detail });
    }
  }

  /** SIGHUP: publish the config file through the same validate → diff → publish path as every change. */
  async reloadFile(): Promise<PublishOutcome> {
    const text = await readFile(this.deps.configPath, 'utf8');
    try {
      return warnAboutOtherGateways(
        await this.workflow.publish(
          {
            source: { content: text, name: this.deps.configPath },
            message: `${this.deps.configPath} (SIGHUP)`,
            origin: 'file',
            trigger: 'SIGHUP',
          },
          localActor(),
        ),
      );
    } catch (error) {
      if (error instanceof ChangeError && error.problems.length > 0)
        throw new ConfigError(error.problems, this.deps.configPath);
      throw error;
    }
  }

  /** The config part of GET /admin/api/status. */
  async status(): Promise<Record<string, unknown>> {
    const running = this.deps.running().revision;
    const file = await readFile(this.deps.configPath, 'utf8')
      .then((text) => this.workflow.fileState(text, this.deps.configPath))
      .catch(
        (error: unknown): FileState => ({
          state: 'invalid',
          active_revision: null,
          file_revision: null,
          error: String(error),
        }),
      );
    return {
      path: this.deps.configPath,
      revision: running,
      active_revision: file.active_revision,
      file,
      guard: this.guardReport ?? null,
      ...(this.applyError ? { apply_error: this.applyError } : {}),
    };
  }
}
