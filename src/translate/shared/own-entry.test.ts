import { describe, expect, it } from 'vitest';
import { ownEntry } from './own-entry.js';

describe('ownEntry', () => {
  const table: Record<string, number> = { low: 1, high: 2 };

  it("finds the table's own entries", () => {
    expect(ownEntry(table, 'high')).toBe(2);
  });

  it('finds nothing for names every object inherits', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(ownEntry(table, name)).toBeUndefined();
    }
  });
});
