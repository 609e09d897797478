import { describe, expect, it } from 'vitest';
import { boundedName, statusClass } from './label-values.js';

describe('metric label values', () => {
  it('groups statuses by class and names a request that sent nothing', () => {
    expect([200, 204, 429, 499, 503, 0].map(statusClass)).toEqual(['2xx', '2xx', '4xx', '4xx', '5xx', 'none']);
  });

  it('keeps configured names and folds anything a client made up into other', () => {
    const known = new Set(['chat', 'embed']);
    expect(boundedName('chat', known)).toBe('chat');
    expect(boundedName('gpt-made-up-by-client-123', known)).toBe('other');
    expect(boundedName(null, known)).toBe('none');
  });
});
