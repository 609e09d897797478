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

export function effortForBudget(budgetTokens: number): ReasoningEffort {
  if (budgetTokens < BUDGET_FOR_EFFORT.low) return 'low';
  if (budgetTokens < BUDGET_FOR_EFFORT.high) return 'medium';
  return 'high';
}
