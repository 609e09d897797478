import type { KeyPolicy, RateLimits } from '../../config/key-policy-schema.js';
import { modelMatcher } from './model-patterns.js';

/** The limits of the models matching one pattern of a key's `model_limits`. */
export interface ModelLimits {
  readonly pattern: string;
  readonly matches: (model: string) => boolean;
  readonly limits: RateLimits;
}

/**
 * A client's policy compiled once (when its key or the config is loaded), so a request pays a Set lookup or a
 * RegExp test, never a parse. `scope` names the client's counters: the key id, or `config:<name>`.
 */
export interface ClientAccess {
  readonly scope: string;
  readonly name: string;
  /** When the key was created (0 for config clients): its total budget counts spend from then on. */
  readonly createdAt: number;
  readonly policy: KeyPolicy;
  /** Undefined when the client may use every model. */
  readonly mayUse: ((model: string) => boolean) | undefined;
  /** Whether any limit or budget applies; a client without is admitted without touching a counter. */
  readonly limited: boolean;
  /**
   * Whether any limit counts tokens or USD (a TPM, its own or a model's, or a budget): only then does a request's
   * reservation need its estimate. RPM and concurrency take one per request whatever it asks.
   */
  readonly estimates: boolean;
  readonly modelLimits: readonly ModelLimits[];
}

/** The store key whose counters these are, or null for a config client (whose scope is `config:<name>`). */
export function storeKeyIdOf(access: ClientAccess): string | null {
  return access.scope.startsWith('config:') ? null : access.scope;
}

function hasRateLimits(limits: RateLimits): boolean {
  return limits.rpm !== undefined || limits.tpm !== undefined || limits.max_concurrent !== undefined;
}

/** Undefined when the policy neither restricts models nor limits anything (the request path then skips it all). */
export function compileAccess(scope: string, name: string, policy: KeyPolicy, createdAt = 0): ClientAccess | undefined {
  const modelLimits = Object.entries(policy.model_limits ?? {})
    .filter(([, limits]) => hasRateLimits(limits))
    .map(([pattern, limits]) => ({ pattern, matches: modelMatcher([pattern]), limits }));
  const budgets = policy.budgets ?? {};
  const hasBudget = budgets.day !== undefined || budgets.month !== undefined || budgets.total !== undefined;
  const limited = hasRateLimits(policy) || modelLimits.length > 0 || hasBudget;
  const estimates =
    policy.tpm !== undefined || modelLimits.some((model) => model.limits.tpm !== undefined) || hasBudget;
  const mayUse = policy.models ? modelMatcher(policy.models) : undefined;
  if (!limited && !mayUse) return undefined;
  return { scope, name, createdAt, policy, mayUse, limited, estimates, modelLimits };
}
