import { type AuditLog, localActor } from '../audit/audit-log.js';
import { ChangeError } from '../config/change/change-error.js';
import { checkConfig } from '../config/change/config-check.js';
import { ConfigWorkflow } from '../config/change/config-workflow.js';
import { openRevision } from '../config/change/draft.js';
import type { Env } from '../config/env-expand.js';
import { ConfigError, type LoadedConfig } from '../config/load-config.js';
import type { Keyring } from '../config/secrets/master-key.js';
import { SecretError } from '../config/secrets/secret-box.js';
import type { Store } from '../store/store.js';
import { warnAboutOtherGateways } from './config-controller.js';
import { log } from './log.js';

export interface StartupDeps {
  store: Store;
  keyring: Keyring;
  audit: AuditLog;
  env: Env;
  baseDir: string;
  configPath: string;
  text: string;
}

/** The config a gateway starts on, and whether the file still has to be published once it serves. */
export interface StartupPlan {
  loaded: LoadedConfig;
  /** The revision it runs; null while the file waits to be published. */
  revision: number | null;
  publishFile: boolean;
  /** The active revision, when it cannot run here and an earlier one runs instead. */
  skipped?: { revision: number; error: string };
}

/** Says what a startup failure is about: the config file's problems, or a master key that cannot decrypt. */
export function startupError(error: unknown, configPath: string): unknown {
  if (error instanceof ChangeError && error.cause instanceof SecretError) return new Error(error.message);
  if (error instanceof ChangeError && error.problems.length > 0) return new ConfigError(error.problems, configPath);
  return error;
}

/**
 * The config a gateway starts on (GitOps rule): the config file when it differs from the newest revision
 * taken from the file; otherwise the store's active revision, which may be newer (published through the API
 * or the CLI). Nothing is stored here: a file that changed is validated now and published by
 * `publishStartupFile` only once the gateway is serving, so a start that fails (its port taken, say) never
 * changes what running gateways on the same store apply.
 */
export async function planStartup(deps: StartupDeps): Promise<StartupPlan> {
  const workflow = new ConfigWorkflow({ ...deps, now: Date.now });
  const source = { content: deps.text, name: deps.configPath };
  const kept = await workflow.fileKept(deps.text, deps.configPath).catch((error: unknown) => {
    throw startupError(error, deps.configPath);
  });
  if (!kept) {
    const checked = await workflow.check(source).catch((error: unknown) => {
      throw startupError(error, deps.configPath);
    });
    if (!checked.loaded) throw new ConfigError(checked.report.errors, deps.configPath);
    return { loaded: checked.loaded, revision: null, publishFile: true };
  }
  const active = await workflow.active();
  const revision = active?.revision;
  if (!active || !revision) throw new Error('the store has no active config revision');
  if (!kept.fileMatches) {
    log.warn('running the active revision, which is newer than the config file (see amg status)', {
      revision: revision.number,
      source: revision.source,
    });
  }
  const label = `active config revision ${revision.number}`;
  const { loaded, report } = checkConfig(active.tree, { env: deps.env, baseDir: deps.baseDir }, label);
  if (loaded) return { loaded, revision: revision.number, publishFile: false };
  const error = report.errors.map((p) => `${p.path}: ${p.message}`).join('; ');
  const earlier = await earlierRunnable(deps, revision.parent);
  if (!earlier) throw new ConfigError(report.errors, label);
  log.error(
    'cannot run the active config revision here; running the last earlier revision that can (fix and publish, or roll back)',
    {
      active: revision.number,
      running: earlier.revision,
      error,
    },
  );
  return { ...earlier, publishFile: false, skipped: { revision: revision.number, error } };
}

/**
 * A stored revision must never brick a start (a variable set only in the shell that published it, say): the
 * newest earlier revision along the history that checks here and that no guard rejected runs instead.
 */
async function earlierRunnable(
  deps: StartupDeps,
  from: number | null,
): Promise<{ loaded: LoadedConfig; revision: number } | undefined> {
  for (let number = from; number !== null; ) {
    const revision = await deps.store.getRevision(number);
    if (!revision) return undefined;
    if (revision.guardState !== 'rolled_back' && revision.guardState !== 'rollback_failed') {
      const draft = await openRevision(revision, deps.keyring);
      const context = { env: deps.env, baseDir: deps.baseDir };
      const { loaded } = checkConfig(draft.tree, context, `revision ${number}`);
      if (loaded) return { loaded, revision: number };
    }
    number = revision.parent;
  }
  return undefined;
}

/** Publishes the config file a start planned to publish, through the workflow that applies it here. */
export async function publishStartupFile(workflow: ConfigWorkflow, text: string, configPath: string): Promise<void> {
  const synced = await workflow.syncFile(text, configPath, localActor()).catch((error: unknown) => {
    throw startupError(error, configPath);
  });
  if (synced.status !== 'published') return;
  log.info('config file published', { revision: synced.revision.number });
  warnAboutOtherGateways(synced);
}
