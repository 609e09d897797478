import { describe, expect, it } from 'vitest';
import { caseVariantKey } from './case-variant-keys.js';

describe('caseVariantKey', () => {
  it('passes an ordinary body, unknown lower-case and camelCase extension fields included', () => {
    expect(caseVariantKey({ model: 'm', stream: true, messages: [], extra_body: {}, safePrompt: true })).toBe(
      undefined,
    );
  });

  it.each([
    [{ model: 'a', MODEL: 'b' }, 'MODEL', 'model'],
    [{ Model: 'b' }, 'Model', 'model'],
    [{ model: 'a', STREAM: true }, 'STREAM', 'stream'],
    [{ model: 'a', ſtream: true }, 'ſtream', 'stream'],
    [{ model: 'a', 'top_\u212a': 1 }, 'top_\u212a', 'top_k'],
    [{ model: 'a', foo: 1, FOO: 2 }, 'FOO', 'foo'],
    [{ model: 'a', Foo: 1, fOO: 2 }, 'fOO', 'Foo'],
    [{ model: 'a', Foo: 1, foo: 2 }, 'Foo', 'foo'],
  ])('names the case variant in %j', (body, key, field) => {
    expect(caseVariantKey(body)).toEqual({ key, field });
  });

  it('stays linear on a body of many mixed-case keys', () => {
    const body = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`Key${i}`, i]));
    const started = performance.now();
    expect(caseVariantKey(body)).toBe(undefined);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
