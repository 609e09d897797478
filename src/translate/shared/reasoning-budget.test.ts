import { describe, expect, it } from 'vitest';
import { anthropicThinkingBudget, budgetForEffort, effortForBudget, MIN_THINKING_BUDGET } from './reasoning-budget.js';

describe('reasoning budget mapping', () => {
  it('maps every effort to a budget Anthropic accepts and back to the same effort', () => {
    for (const effort of ['low', 'medium', 'high'] as const) {
      const budget = budgetForEffort(effort);
      expect(budget).toBeGreaterThanOrEqual(MIN_THINKING_BUDGET);
      expect(effortForBudget(budget)).toBe(effort);
    }
  });

  it('asks Anthropic for no thinking budget when the effort is none', () => {
    expect(anthropicThinkingBudget({ effort: 'none' })).toBeUndefined();
    expect(anthropicThinkingBudget({ effort: 'minimal' })).toBe(MIN_THINKING_BUDGET);
  });

  it('reads small, middling and large budgets as low, medium and high', () => {
    expect(effortForBudget(1024)).toBe('low');
    expect(effortForBudget(10_000)).toBe('medium');
    expect(effortForBudget(64_000)).toBe('high');
  });
});
