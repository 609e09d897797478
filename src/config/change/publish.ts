import { type Actor, type AuditLog, markAudited, wasAudited } from '../../audit/audit-log.js';
import { unconfiguredProviderWarnings } from '../../providers/unconfigured-providers.js';
import type { Store } from '../../store/store.js';
import type { Env } from '../env-expand.js';
import { describeUnset, liveGateways, unsetInGateways } from '../environments/gateway-environments.js';
import type { LoadedConfig } from '../load-config.js';
import type { ConfigRevision, GuardSettings, RevisionSource } from '../revision.js';
import type { Keyring } from '../secrets/master-key.js';
import { contentSha256 } from '../secrets/sealed-content.js';
import type { ConfigProblem } from '../semantic-checks.js';
import { ChangeError } from './change-error.js';
import { checkConfig, checkConfigForPreview } from './config-check.js';
import { type ConfigChange, diffConfigs } from './config-diff.js';
import { type Draft, type DraftSource, describeSource, loadActive, loadDraft, openRevision } from './draft.js';
import { type RevisionView, viewRevision } from './revision-view.js';
import { splitWarnings, standingWarnings } from './warning-split.js';

export interface WorkflowDeps {
  store: Store;
  keyring: Keyring;
  /** The environment `${VAR}` references are checked against (the gateway's, or the CLI's for local use). */
  env: Env;
  baseDir: string;
  audit: AuditLog;
  now: () => number;
  /** This gateway's id among the reports of running gateways (its own environment is `env`). */
  gatewayId?: string | undefined;
  /** Applies an activated revision in this process; absent for the local CLI (running gateways poll). */
  apply?: ((revision: ConfigRevision, loaded: LoadedConfig) => Promise<void>) | undefined;
}

export interface PublishRequest {
  source: DraftSource;
  message: string;
  /** How the content arrived: a config file, the CLI, the API. */
  origin: Extract<RevisionSource, 'file' | 'cli' | 'api'>;
  guard?: GuardSettings | undefined;
  /** The revision the caller saw as active (diffed, previewed); publishing fails if another replaced it. */
  baseRevision?: number | null | undefined;
  /** What started it (startup, SIGHUP), for the audit log. */
  trigger?: string | undefined;
}

export interface RollbackRequest {
  /** Default: the revision that was active before the active one. */
  to?: number | undefined;
  message?: string | undefined;
  source: Extract<RevisionSource, 'rollback' | 'guard'>;
  /** Roll back only if this is still the active revision (the guard's condition). */
  expectActive?: number | undefined;
  reason?: string | undefined;
}

export type PublishOutcome =
  | {
      status: 'published';
      revision: RevisionView;
      changes: ConfigChange[];
      /** Warnings this change brings (each once). */
      warnings: ConfigProblem[];
      /** Warnings the replaced revision had as well: known already, so the CLI only counts them. */
      unchanged_warnings: ConfigProblem[];
    }
  | { status: 'unchanged'; revision: number | null };

interface Activation {
  draft: Draft;
  active: Draft | undefined;
  action: 'config.publish' | 'config.rollback';
  source: RevisionSource;
  message: string;
  restoredFrom: number | null;
  guard: GuardSettings | null;
  expectActive: number | null;
  detail: Record<string, unknown>;
}

function runningConfig(deps: WorkflowDeps, active: Draft | undefined) {
  if (!active) return undefined;
  return checkConfigForPreview(active.tree, { env: deps.env, baseDir: deps.baseDir }, active.label).loaded?.config;
}

async function refuse(deps: WorkflowDeps, actor: Actor, plan: Activation, error: ChangeError): Promise<never> {
  await deps.audit.record(actor, {
    action: plan.action,
    outcome: 'failed',
    target: plan.draft.label,
    detail: { ...plan.detail, error: error.message, problems: error.problems },
  });
  throw markAudited(error);
}

/** Records a refusal that happened before there was a draft to activate (nothing to roll back to, ...). */
async function auditingRefusals<T>(
  deps: WorkflowDeps,
  actor: Actor,
  event: { action: string; target: string; detail: Record<string, unknown> },
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ChangeError && !wasAudited(error)) {
      await deps.audit.record(actor, {
        ...event,
        outcome: 'failed',
        detail: { ...event.detail, error: error.message, problems: error.problems },
      });
      markAudited(error);
    }
    throw error;
  }
}

/** Validate, store as the active revision (if nothing replaced the expected one), apply here, audit. */
async function activate(deps: WorkflowDeps, actor: Actor, plan: Activation): Promise<PublishOutcome> {
  const context = { env: deps.env, baseDir: deps.baseDir, running: runningConfig(deps, plan.active) };
  const { loaded, report } = checkConfig(plan.draft.tree, context, plan.draft.label);
  if (!loaded)
    return refuse(deps, actor, plan, new ChangeError('invalid', `${plan.draft.label} is invalid`, report.errors));
  const elsewhere = await otherEnvironments(deps, plan);
  if (elsewhere.refusal) return refuse(deps, actor, plan, elsewhere.refusal);
  const changes = diffConfigs(plan.active?.tree ?? {}, plan.draft.tree);
  const created = await deps.store.createRevision(
    {
      content: plan.draft.content,
      contentSha256: contentSha256(plan.draft.content),
      author: actor.name,
      message: plan.message,
      source: plan.source,
      createdAt: deps.now(),
      restoredFrom: plan.restoredFrom,
      guard: plan.guard,
    },
    { expectActive: plan.expectActive },
  );
  if (!created.ok) {
    const message = `the active revision is now ${created.active ?? 'none'}, not ${plan.expectActive ?? 'none'}; review the new state and try again`;
    return refuse(deps, actor, plan, new ChangeError('conflict', message));
  }
  const revision = created.revision;
  await deps.apply?.(revision, loaded);
  await deps.audit.record(actor, {
    action: plan.action,
    outcome: 'ok',
    target: `revision ${revision.number}`,
    detail: { ...plan.detail, message: plan.message, revision: revision.number, parent: revision.parent, changes },
  });
  const warnings = splitWarnings(
    [...report.warnings, ...unconfiguredProviderWarnings(loaded), ...elsewhere.warnings],
    plan.active ? standingWarnings(plan.active.tree, context, plan.active.label) : [],
  );
  return { status: 'published', revision: viewRevision(revision, revision.number), changes, ...warnings };
}

/**
 * Checks `${VAR}` references against the environments of the other running gateways (they report variable
 * names to the store), not only this process's: a variable set only in the publisher's shell would pass here
 * and fail there. An operator's publish or rollback is refused; the config file (startup, SIGHUP) and the
 * guard go ahead with a warning, since refusing them would stop a deploy or keep a bad change.
 */
async function otherEnvironments(
  deps: WorkflowDeps,
  plan: Activation,
): Promise<{ refusal?: ChangeError; warnings: ConfigProblem[] }> {
  const gateways = await liveGateways(deps.store, deps.now(), deps.gatewayId);
  const unset = unsetInGateways(plan.draft.tree, gateways);
  if (unset.length === 0) return { warnings: [] };
  const problems = unset.flatMap(({ gateway, variables }) =>
    variables.map((variable) => ({
      path: 'environment',
      message: `environment variable ${variable} is not set in the running gateway ${gateway.host}:${gateway.pid} (${gateway.url}); it would keep its current revision and report apply_error`,
    })),
  );
  if (plan.source === 'file' || plan.source === 'guard') return { warnings: problems };
  const message = `${plan.draft.label} cannot run everywhere: ${describeUnset(unset)}; set the variable there and restart that gateway, or give the reference a default (\${VAR:-default})`;
  return { refusal: new ChangeError('invalid', message, problems), warnings: [] };
}

/** Publishes a draft as a new active revision, unless it means the same as the active one. */
export function publish(deps: WorkflowDeps, request: PublishRequest, actor: Actor): Promise<PublishOutcome> {
  const detail = {
    from: describeSource(request.source),
    source: request.origin,
    message: request.message,
    ...(request.trigger ? { trigger: request.trigger } : {}),
    ...(request.guard ? { guard: request.guard } : {}),
  };
  const event = { action: 'config.publish', target: describeSource(request.source), detail };
  return auditingRefusals(deps, actor, event, async () => {
    const active = await loadActive(deps.store, deps.keyring);
    const draft = await loadDraft(request.source, deps.store, deps.keyring, active?.revision);
    if (active && diffConfigs(active.tree, draft.tree).length === 0) {
      const revision = active.revision?.number ?? null;
      await deps.audit.record(actor, {
        ...event,
        outcome: 'ok',
        target: `revision ${revision}`,
        detail: { ...detail, unchanged: true },
      });
      return { status: 'unchanged', revision };
    }
    if (request.guard && !active) {
      throw new ChangeError('bad_request', 'a guarded publish needs a previous revision to return to');
    }
    return activate(deps, actor, {
      draft,
      active,
      action: 'config.publish',
      source: request.origin,
      message: request.message,
      restoredFrom: draft.revision?.number ?? null,
      guard: request.guard ?? null,
      expectActive: request.baseRevision !== undefined ? request.baseRevision : (active?.revision?.number ?? null),
      detail,
    });
  });
}

const GUARD_REJECTED = new Set(['rolled_back', 'rollback_failed']);

/**
 * The revision a plain rollback returns to: back along the parents, past revisions a guard rejected (a plain
 * rollback right after a guard's must not bring back what the guard removed) and past those that say what
 * already runs. A rejected revision is restored only when it is named.
 */
async function previousAccepted(deps: WorkflowDeps, active: Draft): Promise<Draft | undefined> {
  let number = active.revision?.parent ?? null;
  while (number !== null) {
    const revision = await deps.store.getRevision(number);
    if (!revision) return undefined;
    if (!GUARD_REJECTED.has(revision.guardState ?? '')) {
      const draft = await openRevision(revision, deps.keyring);
      if (diffConfigs(active.tree, draft.tree).length > 0) return draft;
    }
    number = revision.parent;
  }
  return undefined;
}

/** Makes an earlier revision's content active again, as a new revision (history stays append-only). */
export function rollback(deps: WorkflowDeps, request: RollbackRequest, actor: Actor): Promise<PublishOutcome> {
  const event = {
    action: 'config.rollback',
    target: request.to === undefined ? 'previous revision' : `revision ${request.to}`,
    detail: {
      ...(request.reason ? { reason: request.reason } : {}),
      ...(request.message ? { message: request.message } : {}),
    },
  };
  return auditingRefusals(deps, actor, event, async () => {
    const active = await loadActive(deps.store, deps.keyring);
    const current = active?.revision;
    if (!current) throw new ChangeError('bad_request', 'there is no active revision to roll back');
    const found = request.to === undefined ? await previousAccepted(deps, active) : undefined;
    const to = request.to ?? found?.revision?.number ?? null;
    if (to === null) {
      const why = current.parent === null ? '' : ' to return to (revisions a guard rejected are skipped unless named)';
      throw new ChangeError('bad_request', `revision ${current.number} has no previous revision${why}`);
    }
    if (to === current.number) throw new ChangeError('bad_request', `revision ${to} is already active`);
    const target = found?.revision ?? (await deps.store.getRevision(to));
    if (!target) throw new ChangeError('not_found', `no revision ${to}`);
    const draft = found ?? (await openRevision(target, deps.keyring));
    // Rolling back to what already runs (a repeated rollback, say) would only add an empty revision.
    if (active && diffConfigs(active.tree, draft.tree).length === 0) {
      await deps.audit.record(actor, {
        ...event,
        outcome: 'ok',
        target: `revision ${current.number}`,
        detail: { ...event.detail, to, unchanged: true },
      });
      return { status: 'unchanged', revision: current.number };
    }
    return activate(deps, actor, {
      draft,
      active,
      action: 'config.rollback',
      source: request.source,
      message: request.message ?? `rollback to revision ${to}`,
      restoredFrom: to,
      guard: null,
      expectActive: request.expectActive ?? current.number,
      detail: { from: current.number, to, ...event.detail },
    });
  });
}
