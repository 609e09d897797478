import type { Actor } from '../../audit/audit-log.js';
import { unconfiguredProviderWarnings } from '../../providers/unconfigured-providers.js';
import { expandTree } from '../env-expand.js';
import { type LoadedConfig, parseYaml } from '../load-config.js';
import { ReferenceMask } from '../reference-mask.js';
import { configSchema, type GatewayConfig } from '../schema.js';
import { redactContent } from '../secrets/sealed-content.js';
import type { ConfigProblem } from '../semantic-checks.js';
import { ChangeError } from './change-error.js';
import { type CheckContext, checkConfig, checkConfigForPreview, type ValidationReport } from './config-check.js';
import { type ConfigChange, diffConfigs, sameConfig } from './config-diff.js';
import { type Draft, type DraftSource, loadActive, loadDraft, openRevision } from './draft.js';
import { type ImpactPreview, impactPreview } from './impact-preview.js';
import {
  type PublishOutcome,
  type PublishRequest,
  publish,
  type RollbackRequest,
  rollback,
  type WorkflowDeps,
} from './publish.js';
import { type RevisionView, viewRevision } from './revision-view.js';
import { type RoutingTableRow, routingTable } from './routing-table.js';
import { splitWarnings, standingWarnings } from './warning-split.js';

export interface DiffReport {
  base: string;
  target: string;
  changes: ConfigChange[];
}

export interface PreviewReport {
  target: string;
  active_revision: number | null;
  window: { since: string; until: string; ms: number };
  routing: RoutingTableRow[];
  impact: ImpactPreview;
  /** Warnings of the draft that the active revision does not have (each once). */
  warnings: ConfigProblem[];
  /** Warnings the active revision has as well: known already, so the CLI only counts them. */
  unchanged_warnings: ConfigProblem[];
}

/** How the config file compares with what runs: the GitOps view for `amg status`. */
export type FileState =
  | { state: 'same'; active_revision: number | null; file_revision: number | null }
  | { state: 'differs'; active_revision: number | null; file_revision: number | null; changes: number }
  | { state: 'invalid'; active_revision: number | null; file_revision: number | null; error: string };

export interface ValidationResult extends ValidationReport {
  source: string;
  /** What a valid config declares. */
  summary?: { providers: number; models: number; clients: number };
}

export function summarize(config: GatewayConfig): NonNullable<ValidationResult['summary']> {
  return { providers: config.providers.length, models: config.models.length, clients: config.clients.length };
}

export const MAX_PREVIEW_WINDOW_MS = 30 * 86_400_000;

/**
 * Every configuration change operation (validate, diff, preview, publish, rollback, history, show, export)
 * on top of the store. The admin API and the local CLI both call this, so they behave the same.
 */
export class ConfigWorkflow {
  constructor(private readonly deps: WorkflowDeps) {}

  active(): Promise<Draft | undefined> {
    return loadActive(this.deps.store, this.deps.keyring);
  }

  private async draft(source: DraftSource, active?: Draft): Promise<Draft> {
    // Every draft here is only examined; publish and rollback load theirs themselves.
    return loadDraft(source, this.deps.store, this.deps.keyring, active?.revision, 'check');
  }

  private context(active: Draft | undefined): CheckContext {
    const base = { env: this.deps.env, baseDir: this.deps.baseDir };
    const running = active ? checkConfigForPreview(active.tree, base, active.label).loaded?.config : undefined;
    return { ...base, running };
  }

  /** Checks a draft as a publish would, without storing anything: the config it would run, or its problems. */
  async check(
    source: DraftSource,
  ): Promise<{ label: string; loaded: LoadedConfig | undefined; report: ValidationReport }> {
    const active = await this.active();
    const draft = await this.draft(source, active);
    const { loaded, report } = checkConfig(draft.tree, this.context(active), draft.label);
    return { label: draft.label, loaded, report };
  }

  /** Schema, references and environment, with warnings; invalid YAML is a report too, not an exception. */
  async validate(source: DraftSource): Promise<ValidationResult> {
    try {
      const { label, loaded, report } = await this.check(source);
      if (!loaded) return { source: label, ...report };
      const warnings = [...report.warnings, ...unconfiguredProviderWarnings(loaded)];
      return { source: label, ...report, warnings, summary: summarize(loaded.config) };
    } catch (error) {
      if (!(error instanceof ChangeError) || error.kind !== 'invalid') throw error;
      return {
        source: 'revision' in source ? `revision ${source.revision}` : (source.name ?? 'draft'),
        valid: false,
        errors: error.problems,
        warnings: [],
      };
    }
  }

  /** What changes from `base` (default: the active revision) to `target`. */
  async diff(target: DraftSource, base?: DraftSource): Promise<DiffReport> {
    const active = await this.active();
    const from = base ? await this.draft(base, active) : active;
    const to = await this.draft(target, active);
    return { base: from?.label ?? 'no revision', target: to.label, changes: diffConfigs(from?.tree ?? {}, to.tree) };
  }

  /** The draft's routing table and what it would do to the traffic of the last `windowMs`. */
  async preview(target: DraftSource, windowMs: number): Promise<PreviewReport> {
    if (!(windowMs >= 60_000 && windowMs <= MAX_PREVIEW_WINDOW_MS)) {
      throw new ChangeError('bad_request', 'the preview window must be between 1m and 30d');
    }
    const active = await this.active();
    const draft = await this.draft(target, active);
    const context = this.context(active);
    const { loaded, report } = checkConfigForPreview(draft.tree, context, draft.label);
    if (!loaded) throw new ChangeError('invalid', `${draft.label} is invalid`, report.errors);
    const until = this.deps.now();
    const since = until - windowMs;
    const traffic = await this.deps.store.summarizeTraffic({ since, until });
    // Names in the routing table and the impact may come from the environment: show their references.
    const activeReferences = active ? expandTree(active.tree, this.deps.env).references.values() : [];
    const mask = ReferenceMask.of([...loaded.references.values(), ...activeReferences], this.deps.env);
    return {
      target: draft.label,
      active_revision: active?.revision?.number ?? null,
      window: { since: new Date(since).toISOString(), until: new Date(until).toISOString(), ms: windowMs },
      routing: mask.deep(routingTable(loaded.config)),
      impact: mask.deep(impactPreview(context.running ?? configSchema.parse({}), loaded.config, traffic, windowMs)),
      ...splitWarnings(
        [...report.warnings, ...unconfiguredProviderWarnings(loaded)],
        active ? standingWarnings(active.tree, context, active.label) : [],
      ),
    };
  }

  publish(request: PublishRequest, actor: Actor): Promise<PublishOutcome> {
    return publish(this.deps, request, actor);
  }

  rollback(request: RollbackRequest, actor: Actor): Promise<PublishOutcome> {
    return rollback(this.deps, request, actor);
  }

  async history(query: { limit: number; before?: number | undefined }) {
    const [active, revisions] = await Promise.all([
      this.deps.store.activeRevisionNumber(),
      this.deps.store.listRevisions(query),
    ]);
    const last = revisions[revisions.length - 1];
    return {
      data: revisions.map((revision) => viewRevision(revision, active)),
      next_before: revisions.length === query.limit && last ? last.number : null,
    };
  }

  /** A revision's metadata and its content with secrets redacted. */
  async show(number: number): Promise<RevisionView & { content: string }> {
    const [revision, active] = await Promise.all([
      this.deps.store.getRevision(number),
      this.deps.store.activeRevisionNumber(),
    ]);
    if (!revision) throw new ChangeError('not_found', `no revision ${number}`);
    return { ...viewRevision(revision, active), content: redactContent(revision.content) };
  }

  /** The active revision as YAML that can be published back (secrets as `<redacted>` or their references). */
  async export(actor: Actor): Promise<{ revision: number; content: string }> {
    const number = await this.deps.store.activeRevisionNumber();
    const revision = number === null ? undefined : await this.deps.store.getRevision(number);
    if (!revision) throw new ChangeError('not_found', 'there is no active revision yet');
    await this.deps.audit.record(actor, {
      action: 'config.export',
      outcome: 'ok',
      target: `revision ${revision.number}`,
    });
    return { revision: revision.number, content: redactContent(revision.content) };
  }

  /**
   * GitOps at startup: publish the file when it differs from the newest revision that came from the file;
   * otherwise keep the active revision (which may be newer, from the API or the CLI).
   */
  async syncFile(
    text: string,
    name: string,
    actor: Actor,
  ): Promise<PublishOutcome | { status: 'kept'; revision: number | null; fileMatches: boolean }> {
    const kept = await this.fileKept(text, name);
    if (kept) return kept;
    return this.publish(
      { source: { content: text, name }, message: `${name} (startup)`, origin: 'file', trigger: 'startup' },
      actor,
    );
  }

  /**
   * What a start does with the config file, decided without storing anything: undefined when it would publish
   * the file (it changed since it was last published), else the active revision it keeps.
   */
  async fileKept(
    text: string,
    name: string,
  ): Promise<{ status: 'kept'; revision: number | null; fileMatches: boolean } | undefined> {
    const lastFromFile = await this.deps.store.latestRevision('file');
    if (!lastFromFile) return undefined;
    const active = await this.active();
    const file = await this.draft({ content: text, name }, active);
    const recorded = await openRevision(lastFromFile, this.deps.keyring);
    if (!sameConfig(recorded.tree, file.tree)) return undefined;
    // The active revision may be newer and still say the same (a rollback to the file's content).
    const fileMatches = active !== undefined && sameConfig(active.tree, file.tree);
    return { status: 'kept', revision: active?.revision?.number ?? null, fileMatches };
  }

  /** Compares the config file with the active revision. */
  async fileState(text: string, name: string): Promise<FileState> {
    const [active, lastFromFile] = await Promise.all([this.active(), this.deps.store.latestRevision('file')]);
    const numbers = { active_revision: active?.revision?.number ?? null, file_revision: lastFromFile?.number ?? null };
    try {
      parseYaml(text, name);
      const file = await this.draft({ content: text, name }, active);
      const changes = diffConfigs(active?.tree ?? {}, file.tree).length;
      return changes === 0 ? { state: 'same', ...numbers } : { state: 'differs', ...numbers, changes };
    } catch (error) {
      return { state: 'invalid', ...numbers, error: (error as Error).message };
    }
  }
}
