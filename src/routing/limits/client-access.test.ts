import { describe, expect, it } from 'vitest';
import { compileAccess } from './client-access.js';

describe('compileAccess', () => {
  it('asks for a request estimate only when a limit counts tokens or USD', () => {
    const estimates = (policy: Parameters<typeof compileAccess>[2]) => compileAccess('s', 'n', policy)?.estimates;
    expect(estimates({ rpm: 10, max_concurrent: 2, model_limits: { 'gpt-*': { rpm: 5 } } })).toBe(false);
    expect(estimates({ tpm: 1_000 })).toBe(true);
    expect(estimates({ rpm: 10, model_limits: { 'gpt-*': { tpm: 500 } } })).toBe(true);
    expect(estimates({ budgets: { day: 1 } })).toBe(true);
    expect(estimates({ budgets: { month: 1 } })).toBe(true);
    expect(estimates({ budgets: { total: 1 } })).toBe(true);
  });
});
