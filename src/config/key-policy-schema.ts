import { z } from 'zod';

/**
 * What a client may do, shared by config-declared clients and store keys (admin API, `amg keys`): the models it
 * may use (glob patterns), rate limits for the key and per model pattern, USD budgets, and tags for telemetry.
 */

/** A field of the wrong JSON type is told in words with the shape it takes, not as zod's "expected record". */
const shaped = (field: string, shape: string) => ({
  error: (issue: { code?: string }) => (issue.code === 'invalid_type' ? `${field} must be ${shape}` : undefined),
});

const count = z.number().int().positive().max(1_000_000_000);
/** Budgets count in millionths of a dollar: a smaller one rounded to 0 and refused every request, free ones too. */
const usd = z
  .number()
  .min(0.000001, 'at least 0.000001 USD (budgets count in millionths of a dollar)')
  .max(1_000_000_000);

export const rateLimitsSchema = z
  .object({
    /** Requests per minute. */
    rpm: count.optional(),
    /** Tokens per minute, input + output. */
    tpm: count.optional(),
    /** Requests in flight at once. */
    max_concurrent: count.optional(),
  })
  .strict();

export const budgetsSchema = z
  .object(
    {
      /** USD per calendar day, in `limits.budget_timezone`. */
      day: usd.optional(),
      /** USD per calendar month, in `limits.budget_timezone`. */
      month: usd.optional(),
      /** USD over the key's whole life. */
      total: usd.optional(),
    },
    shaped('budgets', 'an object of USD amounts, like {"day":5,"month":100}'),
  )
  .strict();

const modelPattern = z.string().min(1).max(256);
const tagName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'tag names use letters, digits and _ . : -');

export const keyPolicyShape = {
  /** Glob patterns (`*` any run of characters, `?` one) of the model names the client may request; absent: all. */
  models: z
    .array(modelPattern, shaped('models', 'a list of model name patterns, like ["gpt-4o*"]'))
    .min(1, 'at least one pattern: a client that may use no model is revoked (or removed), not given none')
    .max(200)
    .optional(),
  rpm: count.optional(),
  tpm: count.optional(),
  max_concurrent: count.optional(),
  /** Limits for the models matching a pattern, on top of the key's own (the first matching pattern applies). */
  model_limits: z
    .record(
      modelPattern,
      rateLimitsSchema,
      shaped('model_limits', 'an object of model patterns to limits, like {"gpt-4o*":{"rpm":60}}'),
    )
    .refine((limits) => Object.keys(limits).length <= 100, 'at most 100 model limits')
    .optional(),
  budgets: budgetsSchema.optional(),
  tags: z
    .record(tagName, z.string().max(256), shaped('tags', 'an object of tag names to values, like {"team":"search"}'))
    .refine((tags) => Object.keys(tags).length <= 32, 'at most 32 tags')
    .optional(),
};

export const keyPolicySchema = z.object(keyPolicyShape).strict();

export type KeyPolicy = z.output<typeof keyPolicySchema>;
export type RateLimits = z.output<typeof rateLimitsSchema>;
export type Budgets = z.output<typeof budgetsSchema>;
