import { describe, expect, it } from 'vitest';
import { RefusalSampler } from './refusal-sampler.js';

describe('RefusalSampler', () => {
  it('records a few refusals per address per minute and reports what it held back', () => {
    const sampler = new RefusalSampler(3, 100);
    const recorded = Array.from({ length: 10 }, () => sampler.admit('10.0.0.1', 0).record);
    expect(recorded.filter(Boolean)).toHaveLength(3);
    expect(sampler.admit('10.0.0.1', 60_000)).toEqual({ record: true, suppressed: 7 });
  });

  it('caps refusals across all addresses, so many addresses cannot add up', () => {
    const sampler = new RefusalSampler(3, 5);
    const recorded = Array.from({ length: 20 }, (_, i) => sampler.admit(`10.0.0.${i}`, 0).record);
    expect(recorded.filter(Boolean)).toHaveLength(5);
  });
});
