import { describe, expect, it } from 'vitest';
import { usd } from './preview-render.js';

describe('costs in the preview', () => {
  it('show cents, and below a dollar enough digits that a small cost is not shown as nothing', () => {
    expect(usd(3.6)).toBe('$3.60');
    expect(usd(0.0072)).toBe('$0.0072');
    expect(usd(0.0045)).toBe('$0.0045');
    expect(usd(0)).toBe('$0.00');
    expect(usd(null)).toBe('-');
  });
});
