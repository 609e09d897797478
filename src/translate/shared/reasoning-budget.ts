import type { IrReasoning } from '../ir/types.js';

/**
 * OpenAI expresses reasoning as an effort level, Anthropic as a thinking budget in tokens. These two tables
 * are the gateway's one mapping between them, so a round trip through either dialect is stable.
 */
export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high';

/** Anthropic's smallest allowed thinking budget. */
export const MIN_THINKING_BUDGET = 1024;

const BUDGET_FOR_EFFORT: Record<ReasoningEffort, number> = {
  minimal: MIN_THINKING_BUDGET,
  low: 2048,
  medium: 8192,
  high: 24576,
};

export function budgetForEffort(effort: ReasoningEffort): number {
  return BUDGET_FOR_EFFORT[effort];
}

/** Budgets below 4096 read as low, below 16384 as medium, the rest as high. */
export function effortForBudget(budgetTokens: number): ReasoningEffort {
  if (budgetTokens < 4096) return 'low';
  if (budgetTokens < 16_384) return 'medium';
  return 'high';
}

/**
 * The Anthropic-style thinking budget IR reasoning asks for (its own budget, else its effort's), at least
 * Anthropic's minimum; undefined when it asks for none (no reasoning, or `effort: "none"`).
 */
export function anthropicThinkingBudget(reasoning: IrReasoning | undefined): number | undefined {
  const effort = reasoning?.effort === 'none' ? undefined : reasoning?.effort;
  const budget = reasoning?.budgetTokens ?? (effort ? budgetForEffort(effort) : undefined);
  return budget === undefined ? undefined : Math.max(MIN_THINKING_BUDGET, budget);
}
