import type { Signal } from '@preact/signals';
import type { ComponentChildren } from 'preact';

/**
 * The form for a client key's policy, shared by Create and Edit on the Clients page. It only shapes what was
 * typed into the admin API's JSON: every rule (limits, patterns, tag names) is the API's, and its refusal names
 * the field, which is shown beside that field (the same message `amg keys create|update` prints).
 */

export interface Limits {
  rpm?: number;
  tpm?: number;
  max_concurrent?: number;
}
export interface Policy extends Limits {
  models?: string[];
  model_limits?: Record<string, Limits>;
  budgets?: { day?: number; month?: number; total?: number };
  tags?: Record<string, string>;
}

const LIMIT_FIELDS = ['rpm', 'tpm', 'max_concurrent'] as const;
const PERIODS = ['day', 'month', 'total'] as const;

export interface ModelLimitRow {
  pattern: string;
  rpm: string;
  tpm: string;
  max_concurrent: string;
}

/** What the operator typed, as text: a number the API would refuse is sent as typed, for the API to name. */
export interface PolicyDraft {
  models: string;
  rpm: string;
  tpm: string;
  max_concurrent: string;
  day: string;
  month: string;
  total: string;
  modelLimits: ModelLimitRow[];
  /** `team=search, env=prod`. */
  tags: string;
}

const text = (value: number | undefined) => (value === undefined ? '' : String(value));

export function draftOf(policy: Policy = {}): PolicyDraft {
  return {
    models: (policy.models ?? []).join(', '),
    rpm: text(policy.rpm),
    tpm: text(policy.tpm),
    max_concurrent: text(policy.max_concurrent),
    day: text(policy.budgets?.day),
    month: text(policy.budgets?.month),
    total: text(policy.budgets?.total),
    modelLimits: Object.entries(policy.model_limits ?? {}).map(([pattern, limits]) => ({
      pattern,
      rpm: text(limits.rpm),
      tpm: text(limits.tpm),
      max_concurrent: text(limits.max_concurrent),
    })),
    tags: Object.entries(policy.tags ?? {})
      .map(([name, value]) => `${name}=${value}`)
      .join(', '),
  };
}

/** A number when the text is one; otherwise the text itself, so the API's refusal says what is wrong. */
function numberOrText(typed: string): number | string | undefined {
  const trimmed = typed.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
}

function compact<T extends Record<string, unknown>>(record: T): T | undefined {
  const kept = Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
  return Object.keys(kept).length ? kept : undefined;
}

/** The policy the draft describes, in the admin API's shape; fields left empty are absent. */
export function policyOf(draft: PolicyDraft): Record<string, unknown> {
  const models = draft.models
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const limits = (row: Pick<PolicyDraft, 'rpm' | 'tpm' | 'max_concurrent'>) =>
    compact(Object.fromEntries(LIMIT_FIELDS.map((field) => [field, numberOrText(row[field])])));
  const modelLimits = Object.fromEntries(
    draft.modelLimits.filter((row) => row.pattern.trim()).map((row) => [row.pattern.trim(), limits(row) ?? {}]),
  );
  const tags = Object.fromEntries(
    draft.tags
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        return at < 0 ? [pair, ''] : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      }),
  );
  return (
    compact({
      models: models.length ? models : undefined,
      ...limits(draft),
      model_limits: Object.keys(modelLimits).length ? modelLimits : undefined,
      budgets: compact(Object.fromEntries(PERIODS.map((period) => [period, numberOrText(draft[period])]))),
      tags: Object.keys(tags).length ? tags : undefined,
    }) ?? {}
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The JSON merge patch (RFC 7396, what PATCH /keys takes) that turns `current` into `wanted`: a field cleared in
 * the form becomes `null`, so the API removes it instead of keeping the old value.
 */
export function mergePatchFrom(current: unknown, wanted: unknown): unknown {
  if (!isRecord(current) || !isRecord(wanted)) return wanted;
  const patch: Record<string, unknown> = {};
  for (const field of Object.keys(current)) if (!(field in wanted)) patch[field] = null;
  for (const [field, value] of Object.entries(wanted)) {
    if (JSON.stringify(current[field]) === JSON.stringify(value)) continue;
    patch[field] = field in current ? mergePatchFrom(current[field], value) : value;
  }
  return patch;
}

/** Which form field an API problem path (`budgets.day`, `model_limits.gpt-4o.rpm`, `tags.x`) belongs to. */
export function fieldOf(path: string): string {
  const [head, ...rest] = path.split('.');
  if (head === 'budgets') return rest[0] ?? 'budgets';
  if (head === 'model_limits' || head === 'models' || head === 'tags') return head;
  return head ?? '';
}

/** A labelled input with the API's complaint about it, if any, right below. */
export function FormField(props: { label: string; error?: string | undefined; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is passed in as children
    <label class={props.error ? 'field invalid' : 'field'}>
      <span>{props.label}</span>
      {props.children}
      {props.error && <small class="field-error">{props.error}</small>}
    </label>
  );
}

type TextField = 'models' | 'rpm' | 'tpm' | 'max_concurrent' | 'day' | 'month' | 'total' | 'tags';

export function PolicyFields({ draft, errors }: { draft: Signal<PolicyDraft>; errors: Record<string, string> }) {
  const input = (field: TextField, placeholder = '', wide = false) => (
    <input
      name={field}
      class={wide ? 'wide' : undefined}
      inputMode={wide ? undefined : 'decimal'}
      placeholder={placeholder}
      aria-invalid={errors[field] ? 'true' : undefined}
      value={draft.value[field]}
      onInput={(e) => (draft.value = { ...draft.value, [field]: e.currentTarget.value })}
    />
  );
  const setRow = (index: number, change: Partial<ModelLimitRow>) => {
    const rows = draft.value.modelLimits.map((row, i) => (i === index ? { ...row, ...change } : row));
    draft.value = { ...draft.value, modelLimits: rows };
  };
  return (
    <>
      <fieldset>
        <legend>Models</legend>
        <FormField label="Allowed model patterns (comma-separated; empty: all)" error={errors.models}>
          {input('models', 'gpt-4o*, claude-*', true)}
        </FormField>
      </fieldset>
      <fieldset>
        <legend>Rate limits (empty: none)</legend>
        <FormField label="Requests per minute" error={errors.rpm}>
          {input('rpm')}
        </FormField>
        <FormField label="Tokens per minute" error={errors.tpm}>
          {input('tpm')}
        </FormField>
        <FormField label="Max concurrent" error={errors.max_concurrent}>
          {input('max_concurrent')}
        </FormField>
      </fieldset>
      <fieldset>
        <legend>Budgets in USD (empty: none)</legend>
        <FormField label="Per day" error={errors.day}>
          {input('day')}
        </FormField>
        <FormField label="Per month" error={errors.month}>
          {input('month')}
        </FormField>
        <FormField label="In total" error={errors.total}>
          {input('total')}
        </FormField>
      </fieldset>
      <fieldset aria-label="Per-model limits">
        <legend>Per-model limits (on top of the key's; the first matching pattern applies)</legend>
        {draft.value.modelLimits.map((row, index) => (
          <div class="limit-row" key={index} data-model-limit={index}>
            <FormField label="Model pattern">
              <input value={row.pattern} onInput={(e) => setRow(index, { pattern: e.currentTarget.value })} />
            </FormField>
            {LIMIT_FIELDS.map((field) => (
              <FormField key={field} label={field === 'max_concurrent' ? 'max concurrent' : field}>
                <input
                  inputMode="decimal"
                  value={row[field]}
                  onInput={(e) => setRow(index, { [field]: e.currentTarget.value })}
                />
              </FormField>
            ))}
            <button
              type="button"
              onClick={() =>
                (draft.value = { ...draft.value, modelLimits: draft.value.modelLimits.filter((_, i) => i !== index) })
              }
            >
              Remove
            </button>
          </div>
        ))}
        {errors.model_limits && <small class="field-error">{errors.model_limits}</small>}
        <button
          type="button"
          onClick={() =>
            (draft.value = {
              ...draft.value,
              modelLimits: [...draft.value.modelLimits, { pattern: '', rpm: '', tpm: '', max_concurrent: '' }],
            })
          }
        >
          Add a model limit
        </button>
      </fieldset>
      <fieldset>
        <legend>Tags</legend>
        <FormField label="Tags (name=value, comma-separated)" error={errors.tags}>
          {input('tags', 'team=search, env=prod', true)}
        </FormField>
      </fieldset>
    </>
  );
}
