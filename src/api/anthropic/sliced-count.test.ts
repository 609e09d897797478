import { describe, expect, it } from 'vitest';
import { countTextsInSlices } from './sliced-count.js';

/** A clock that advances by a fixed step whenever the tokenizer runs, so slicing needs no real time. */
function steppingClock(stepMs: number) {
  let time = 0;
  return {
    now: () => time,
    count: (text: string) => {
      time += stepMs;
      return text.length;
    },
  };
}

describe('countTextsInSlices', () => {
  it('counts every character of small texts with the tokenizer', async () => {
    const clock = steppingClock(0);
    const total = await countTextsInSlices(['abc', 'de'], clock.count, { sliceMs: 4, budgetMs: 100, now: clock.now });
    expect(total).toBe(5);
  });

  it('hands the event loop back whenever a slice is used up', async () => {
    const clock = steppingClock(1);
    let yields = 0;
    const text = 'word '.repeat(2_000);
    await countTextsInSlices([text], clock.count, {
      sliceMs: 4,
      budgetMs: 1_000_000,
      now: clock.now,
      yieldTurn: async () => {
        yields++;
      },
    });
    const pieces = Math.ceil(text.length / 512);
    expect(yields).toBeGreaterThanOrEqual(Math.floor(pieces / 4) - 1);
  });

  it('estimates the rest by length once the budget is spent, so one request costs a bounded time', async () => {
    const clock = steppingClock(1);
    let calls = 0;
    const count = (text: string) => {
      calls++;
      return clock.count(text);
    };
    const text = 'y'.repeat(1_000_000);
    const total = await countTextsInSlices([text, text], count, {
      sliceMs: 2,
      budgetMs: 10,
      now: clock.now,
      yieldTurn: async () => {},
    });
    expect(calls).toBeLessThanOrEqual(12);
    // Counted pieces give their length back here, the rest a quarter of it: between the two.
    expect(total).toBeGreaterThan((2 * text.length) / 4);
    expect(total).toBeLessThan(2 * text.length);
  });
});
