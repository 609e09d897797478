import { describe, expect, it } from 'vitest';
import { budgetForEffort, effortForBudget, MIN_THINKING_BUDGET } from './reasoning-budget.js';

describe('reasoning budget mapping', () => {
  it('maps every effort to a budget Anthropic accepts and back to the same effort', () => {
    for (const effort of ['low', 'medium', 'high'] as const) {
      const budget = budgetForEffort(effort);
      expect(budget).toBeGreaterThanOrEqual(MIN_THINKING_BUDGET);
      expect(effortForBudget(budget)).toBe(effort);
    }
  });

  it('reads small, middling and large budgets as low, medium and high', () => {
    expect(effortForBudget(1024)).toBe('low');
    expect(effortForBudget(10_000)).toBe('medium');
    expect(effortForBudget(64_000)).toBe('high');
  });
});
