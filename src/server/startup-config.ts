import { type AuditLog, localActor } from '../audit/audit-log.js';
import { ChangeError } from '../config/change/change-error.js';
import { checkConfig } from '../config/change/config-check.js';
import { ConfigWorkflow } from '../config/change/config-workflow.js';
import type { Env } from '../config/env-expand.js';
import { ConfigError, type LoadedConfig } from '../config/load-config.js';
import type { Keyring } from '../config/secrets/master-key.js';
import { SecretError } from '../config/secrets/secret-box.js';
import type { Store } from '../store/store.js';
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

/**
 * The config a gateway starts on (GitOps rule): the config file is published as a new revision when it
 * differs from the newest revision taken from the file; otherwise the store's active revision runs, which
 * may be newer (published through the API or the CLI). A file that would be published but fails validation
 * stops the start, as does an active revision that cannot be applied here.
 */
export async function startupConfig(deps: StartupDeps): Promise<{ loaded: LoadedConfig; revision: number }> {
  const workflow = new ConfigWorkflow({ ...deps, now: Date.now });
  const synced = await workflow.syncFile(deps.text, deps.configPath, localActor()).catch((error: unknown) => {
    // A master key that cannot decrypt the store is not a problem of the config file: say what it is.
    if (error instanceof ChangeError && error.cause instanceof SecretError) throw new Error(error.message);
    if (error instanceof ChangeError && error.problems.length > 0)
      throw new ConfigError(error.problems, deps.configPath);
    throw error;
  });
  const active = await workflow.active();
  const revision = active?.revision;
  if (!active || !revision) throw new Error('the store has no active config revision');
  if (synced.status === 'published') log.info('config file published', { revision: revision.number });
  else if (synced.status === 'kept' && !synced.fileMatches) {
    log.warn('running the active revision, which is newer than the config file (see amg status)', {
      revision: revision.number,
      source: revision.source,
    });
  }
  const label = `active config revision ${revision.number}`;
  const { loaded, report } = checkConfig(active.tree, { env: deps.env, baseDir: deps.baseDir }, label);
  if (!loaded) throw new ConfigError(report.errors, label);
  return { loaded, revision: revision.number };
}
