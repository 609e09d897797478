import { ConfigError, parseYaml } from '../load-config.js';
import type { ConfigRevision } from '../revision.js';
import type { Keyring } from '../secrets/master-key.js';
import { openContent, sealContent } from '../secrets/sealed-content.js';
import { SecretError } from '../secrets/secret-box.js';
import { ChangeError } from './change-error.js';

/** What an operation works on: config text (a file's content) or a stored revision. */
export type DraftSource = { content: string; name?: string | undefined } | { revision: number };

/** A candidate configuration, ready to validate, compare and store. */
export interface Draft {
  label: string;
  /** The content to store: literal secrets encrypted. */
  content: string;
  /** The config tree with secrets in clear; never leaves the process. */
  tree: unknown;
  revision: ConfigRevision | undefined;
}

export interface RevisionSource {
  getRevision(number: number): Promise<ConfigRevision | undefined>;
}

export function describeSource(source: DraftSource): string {
  return 'revision' in source ? `revision ${source.revision}` : (source.name ?? 'draft');
}

/** Turns invalid YAML, unusable `<redacted>` markers and undecryptable secrets into a 422 with paths. */
async function asDraftError<T>(label: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ConfigError) throw new ChangeError('invalid', `${label} is invalid`, error.problems);
    if (error instanceof SecretError) {
      const problems = [{ path: 'secrets', message: error.message }];
      throw new ChangeError('invalid', `${label}: ${error.message}`, problems, { cause: error });
    }
    throw error;
  }
}

export async function openRevision(revision: ConfigRevision, keyring: Keyring): Promise<Draft> {
  const label = `revision ${revision.number}`;
  const tree = await asDraftError(label, () => openContent(revision.content, () => keyring.secretBox('open'), label));
  return { label, content: revision.content, tree, revision };
}

/**
 * Loads a draft. `<redacted>` in config text keeps the value of that field in `base` (the active revision),
 * so an export can be edited and published back without handling secrets.
 */
export async function loadDraft(
  source: DraftSource,
  store: RevisionSource,
  keyring: Keyring,
  base: ConfigRevision | undefined,
  /** `check`: the draft is only examined (validate, diff, preview), so no master.key may be created for it. */
  use: 'publish' | 'check' = 'publish',
): Promise<Draft> {
  if ('revision' in source) {
    const revision = await store.getRevision(source.revision);
    if (!revision) throw new ChangeError('not_found', `no revision ${source.revision}`);
    return openRevision(revision, keyring);
  }
  const label = source.name ?? 'draft';
  return asDraftError(label, async () => {
    const previous = base ? parseYaml(base.content, `revision ${base.number}`) : undefined;
    // One box for sealing and opening: a check's key may live only as long as this draft.
    let found: ReturnType<Keyring['checkBox']> | undefined;
    const box = () => (found ??= use === 'check' ? keyring.checkBox() : keyring.secretBox('seal'));
    const content = await sealContent(source.content, box, previous, label);
    const tree = await openContent(content, box, label);
    return { label, content, tree, revision: undefined };
  });
}

export interface ActiveSource extends RevisionSource {
  activeRevisionNumber(): Promise<number | null>;
}

/** The active revision, opened; undefined before the first revision. */
export async function loadActive(store: ActiveSource, keyring: Keyring): Promise<Draft | undefined> {
  const number = await store.activeRevisionNumber();
  if (number === null) return undefined;
  const revision = await store.getRevision(number);
  if (!revision) throw new Error(`the active revision ${number} is missing from the store`);
  return openRevision(revision, keyring);
}
