import { MAX_GRACE_MS } from '../admin/client-keys.js';
import { parseDuration } from '../config/duration.js';

/**
 * A flag's value refused, by its parser or its action. Deliberately not commander's InvalidArgumentError: that one
 * is reported as "option … argument … is invalid" followed by the whole usage text; this one reaches the CLI's
 * one error line (`amg: --rpm must be …`), as every flag mistake should.
 */
export class FlagError extends Error {}

/** The policy flags `amg keys create` and `amg keys update` share, as commander hands them over. */
export interface KeyPolicyFlags {
  models?: string;
  rpm?: string;
  tpm?: string;
  maxConcurrent?: string;
  budget?: string[];
  modelLimit?: string[];
  tag?: string[];
}

const OFF = 'off';
const PERIODS = new Set(['day', 'month', 'total']);
const RATE_FIELDS: Record<string, string> = {
  rpm: 'rpm',
  tpm: 'tpm',
  max_concurrent: 'max_concurrent',
  'max-concurrent': 'max_concurrent',
};

/** `--expires-in-days`: days from now, fractions allowed, at most ten years (what the admin API accepts). */
export function expiryDays(text: string): number {
  const days = Number(text);
  if (!(days > 0 && days <= 3_650)) {
    throw new FlagError(`--expires-in-days takes a number of days above 0 and at most 3650 (got "${text}")`);
  }
  return days;
}

/**
 * `--grace`: checked here so a mistake names the flag (the admin API says `grace`), and returned as typed, which is
 * what the API takes. `0s` ends the old token at once; a bare `0` has no unit, so it is refused with the rest.
 */
export function graceFlag(text: string): string {
  const ms = parseDuration(text);
  if (ms === undefined || ms > MAX_GRACE_MS) {
    throw new FlagError(
      `--grace takes a duration such as 24h or 30m, at most 30d (0s ends the old token at once; got "${text}")`,
    );
  }
  return text;
}

/** Collects a repeatable option's values. */
export function repeatable(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The largest limit or budget the key policy takes (see key-policy-schema): said here as the flag typed. */
const MAX = 1_000_000_000;

function count(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0 || value > MAX) {
    throw new FlagError(`${flag} must be a positive integer, at most ${MAX} (got "${text}")`);
  }
  return value;
}

/** "50/day" → ['day', 50]; "off/day" → ['day', null] (update only). */
function budget(text: string): [string, number | null] {
  const [amount, period] = text.split('/');
  if (!period || !PERIODS.has(period)) {
    throw new FlagError(`--budget takes AMOUNT/PERIOD with PERIOD day, month or total (got "${text}")`);
  }
  if (amount === OFF) return [period, null];
  const usd = Number(amount?.replace(/^\$/, ''));
  if (!(usd >= 0.000001 && usd <= MAX)) {
    throw new FlagError(`--budget amount must be a number of USD from 0.000001 to ${MAX} (got "${text}")`);
  }
  return [period, usd];
}

/**
 * "gpt-4o*,claude-*" → the patterns. None at all is refused: it would make a key that may use no model, which is
 * what `--models "$UNSET_VARIABLE"` asks for by accident, never on purpose (revoke a key to stop it).
 */
function modelPatterns(text: string): string[] {
  const patterns = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (patterns.length === 0) {
    throw new FlagError(`--models takes comma-separated patterns such as 'gpt-4o*,claude-*' (got "${text}")`);
  }
  return patterns;
}

/** "gpt-4o:rpm=60,tpm=10000" → ['gpt-4o', {rpm: 60, tpm: 10000}]; "gpt-4o:off" → ['gpt-4o', null]. */
function modelLimit(text: string): [string, Record<string, number> | null] {
  const match = /^(.+):(off|(?:[a-z_-]+=\d+)(?:,[a-z_-]+=\d+)*)$/.exec(text);
  if (!match) {
    throw new FlagError(`--model-limit takes PATTERN:rpm=N,tpm=N,max_concurrent=N (got "${text}")`);
  }
  const [, pattern, spec] = match as unknown as [string, string, string];
  if (spec === OFF) return [pattern, null];
  const limits: Record<string, number> = {};
  for (const pair of spec.split(',')) {
    const [name, value] = pair.split('=') as [string, string];
    const field = RATE_FIELDS[name];
    if (!field) throw new FlagError(`--model-limit knows rpm, tpm and max_concurrent, not "${name}"`);
    if (Object.hasOwn(limits, field)) throw new FlagError(`--model-limit sets ${name} twice in "${text}"`);
    limits[field] = count(`--model-limit ${name}`, value);
  }
  return [pattern, limits];
}

/**
 * The entries as an object, refusing a name given twice: `--budget 50/day --budget 60/day` is a typo or a
 * pasted line, and taking either one silently could leave a key with ten times the budget meant.
 */
function once<T>(flag: string, entries: ReadonlyArray<[string, T]>, texts: readonly string[]): Record<string, T> {
  const out: Record<string, T> = {};
  entries.forEach(([name, value], i) => {
    if (Object.hasOwn(out, name)) {
      const first = texts[entries.findIndex(([other]) => other === name)];
      throw new FlagError(`${flag} sets ${name} twice ("${first}" and "${texts[i]}"); give it once`);
    }
    out[name] = value;
  });
  return out;
}

/**
 * The policy change the flags ask for, as the admin API takes it: only the fields given, `null` for `off`
 * (remove that limit, budget, model limit or tag; meaningful for update). Nested fields merge on update.
 */
export function policyFromFlags(flags: KeyPolicyFlags): Record<string, unknown> {
  const change: Record<string, unknown> = {};
  if (flags.models !== undefined) change.models = flags.models === OFF ? null : modelPatterns(flags.models);
  for (const [flag, field, value] of [
    ['--rpm', 'rpm', flags.rpm],
    ['--tpm', 'tpm', flags.tpm],
    ['--max-concurrent', 'max_concurrent', flags.maxConcurrent],
  ] as const) {
    if (value !== undefined) change[field] = value === OFF ? null : count(flag, value);
  }
  if (flags.budget?.length) change.budgets = once('--budget', flags.budget.map(budget), flags.budget);
  if (flags.modelLimit?.length) {
    change.model_limits = once('--model-limit', flags.modelLimit.map(modelLimit), flags.modelLimit);
  }
  if (flags.tag?.length) {
    const tags = flags.tag.map((tag): [string, string | null] => {
      const equals = tag.indexOf('=');
      if (equals <= 0) throw new FlagError(`--tag takes NAME=VALUE or NAME=off (got "${tag}")`);
      const value = tag.slice(equals + 1);
      return [tag.slice(0, equals), value === OFF ? null : value];
    });
    change.tags = once('--tag', tags, flags.tag);
  }
  return change;
}

/** A one-line summary of a policy for `amg keys list`. */
export function describePolicy(policy: Record<string, unknown>): string {
  const parts: string[] = [];
  const models = policy.models as string[] | undefined;
  if (models) parts.push(`models ${models.join(',')}`);
  for (const field of ['rpm', 'tpm', 'max_concurrent']) {
    if (policy[field] !== undefined) parts.push(`${field} ${String(policy[field])}`);
  }
  const budgets = (policy.budgets ?? {}) as Record<string, number>;
  for (const [period, usd] of Object.entries(budgets)) parts.push(`$${usd}/${period}`);
  const perModel = (policy.model_limits ?? {}) as Record<string, Record<string, number>>;
  for (const [pattern, limits] of Object.entries(perModel)) {
    parts.push(
      `${pattern}:${Object.entries(limits)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`,
    );
  }
  const tags = (policy.tags ?? {}) as Record<string, string>;
  for (const [name, value] of Object.entries(tags)) parts.push(`${name}=${value}`);
  return parts.join(' ') || '-';
}
