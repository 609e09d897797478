import { unconfiguredProviderWarnings } from '../../providers/unconfigured-providers.js';
import type { ConfigProblem } from '../semantic-checks.js';
import { type CheckContext, checkConfigForPreview } from './config-check.js';

const keyOf = (problem: ConfigProblem) => `${problem.path}\n${problem.message}`;

/**
 * The warnings of a change, each once: those the change brings (`warnings`), and those the revision it replaces
 * has as well (`unchanged_warnings`), which a publish or preview need not repeat in full every time.
 */
export function splitWarnings(
  warnings: readonly ConfigProblem[],
  before: readonly ConfigProblem[],
): { warnings: ConfigProblem[]; unchanged_warnings: ConfigProblem[] } {
  const known = new Set(before.map(keyOf));
  const seen = new Set<string>();
  const fresh: ConfigProblem[] = [];
  const unchanged: ConfigProblem[] = [];
  for (const warning of warnings) {
    const key = keyOf(warning);
    if (seen.has(key)) continue;
    seen.add(key);
    (known.has(key) ? unchanged : fresh).push(warning);
  }
  return { warnings: fresh, unchanged_warnings: unchanged };
}

/** The warnings a config has whatever the change: its own checks (unset variables filled in) and keyless providers. */
export function standingWarnings(tree: unknown, context: CheckContext, label: string): ConfigProblem[] {
  const { loaded, report } = checkConfigForPreview(tree, { env: context.env, baseDir: context.baseDir }, label);
  return loaded ? [...report.warnings, ...unconfiguredProviderWarnings(loaded)] : [];
}
