import { setImmediate as turnOfTheLoop } from 'node:timers/promises';
import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { boundHeapUnderLoad, MAX_SEMI_SPACE_MB } from './heap-under-load.js';

const MB = 1024 * 1024;

function semiSpaceMb(): number {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return space ? (space.space_used_size + space.space_available_size) / MB : 0;
}

/** Allocation with survivors, as under load (which is what makes V8 grow the young generation), in async turns. */
async function churn(rounds: number): Promise<number> {
  let largest = 0;
  let kept: object[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < 20_000; i++) {
      kept.push({ i, list: [i, round] });
      if (kept.length > 60_000) kept = [];
    }
    largest = Math.max(largest, semiSpaceMb());
    await turnOfTheLoop();
  }
  return largest;
}

describe('boundHeapUnderLoad', () => {
  it('keeps the young generation within its cap under allocation that grows it', async () => {
    const bound = boundHeapUnderLoad();
    bound.capYoungGeneration();
    try {
      expect(await churn(40)).toBeLessThanOrEqual(MAX_SEMI_SPACE_MB);
    } finally {
      bound.release();
    }
    // Without the bound the same allocation grows it past the cap (the test would not tell otherwise).
    expect(await churn(40)).toBeGreaterThan(MAX_SEMI_SPACE_MB);
  }, 60_000);
});
