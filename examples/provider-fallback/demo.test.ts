import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript example without type declarations
import { runDemo } from './demo.mjs';

describe('the provider fallback demo', () => {
  it('serves from the fallback when the primary answers 429, rewriting the model and recording route mode fallback', async () => {
    const lines: string[] = [];
    const result = await runDemo({ log: (line: string) => lines.push(line) });
    expect(result.answer).toBe('Served by the fallback (llama-3.1-8b).');
    expect(result.headers).toEqual({ provider: 'fallback', model: 'llama-3.1-8b', route: 'fallback', attempts: '2' });
    expect(result.primaryReceived).toEqual([{ model: 'gpt-4o-mini', authorization: 'Bearer sk-primary' }]);
    expect(result.fallbackReceived).toEqual([{ model: 'llama-3.1-8b', authorization: 'Bearer sk-fallback' }]);
    expect(result.record).toMatchObject({
      routeMode: 'fallback',
      status: 200,
      provider: 'fallback',
      upstreamModel: 'llama-3.1-8b',
    });
    expect(result.record.attempts.map((a: { status: number }) => a.status)).toEqual([429, 200]);
    expect(lines.join('\n')).toContain('route mode = fallback');
  });
});
