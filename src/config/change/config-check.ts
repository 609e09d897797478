import { type Env, expandTree } from '../env-expand.js';
import { ConfigError, type LoadedConfig, validateConfigTree } from '../load-config.js';
import type { GatewayConfig } from '../schema.js';
import type { ConfigProblem } from '../semantic-checks.js';

export interface ValidationReport {
  valid: boolean;
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
}

export interface CheckContext {
  env: Env;
  baseDir: string;
  /** The config running now, for warnings about settings that only a restart applies. */
  running?: GatewayConfig | undefined;
}

/** Settings a running gateway cannot change in place. */
function restartWarnings(config: GatewayConfig, running: GatewayConfig | undefined): ConfigProblem[] {
  if (!running) return [];
  const warnings: ConfigProblem[] = [];
  const restart = (path: string, before: unknown, after: unknown) => {
    if (before !== after) warnings.push({ path, message: 'takes effect only when the gateway restarts' });
  };
  restart('server.listen', running.server.listen, config.server.listen);
  restart('server.admin_listen', running.server.admin_listen, config.server.admin_listen);
  const runningLimits: Readonly<Record<string, number>> = running.server.connections;
  for (const [key, value] of Object.entries(config.server.connections)) {
    restart(`server.connections.${key}`, runningLimits[key], value);
  }
  if (running.storage !== config.storage) {
    warnings.push({
      path: 'storage',
      message: 'the store is chosen by the config file when the gateway starts; this value has no effect until then',
    });
  }
  return warnings;
}

/** Full validation against the environment, as when the config is applied. */
export function checkConfig(
  tree: unknown,
  context: CheckContext,
  sourceName: string,
): { loaded: LoadedConfig | undefined; report: ValidationReport } {
  try {
    const loaded = validateConfigTree(tree, { env: context.env, baseDir: context.baseDir, sourceName });
    const warnings = [...loaded.warnings, ...restartWarnings(loaded.config, context.running)];
    return { loaded, report: { valid: true, errors: [], warnings } };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { loaded: undefined, report: { valid: false, errors: error.problems, warnings: [] } };
  }
}

/**
 * Validation for previews, which need the routing but not the secrets: variables that are not set here are
 * reported as warnings and stand in as placeholders, so a preview works without the provider keys.
 */
export function checkConfigForPreview(
  tree: unknown,
  context: CheckContext,
  sourceName: string,
): { loaded: LoadedConfig | undefined; report: ValidationReport } {
  const missing = [...new Set(expandTree(tree, context.env).problems.map((p) => p.variable))];
  const env = { ...context.env };
  for (const variable of missing) env[variable] = `unset-${variable}-placeholder-for-preview`;
  const result = checkConfig(tree, { ...context, env }, sourceName);
  const notes = missing.map((variable) => ({
    path: variable,
    message: `environment variable ${variable} is not set here; previewed as if it were`,
  }));
  return { loaded: result.loaded, report: { ...result.report, warnings: [...notes, ...result.report.warnings] } };
}
