import { describe, expect, it } from 'vitest';
import { expandString, expandTree, soleReference } from './env-expand.js';

describe('expandString', () => {
  it('replaces ${VAR} with the environment value', () => {
    expect(expandString('Bearer ${KEY}', { KEY: 'abc' }).value).toBe('Bearer abc');
  });

  it('uses the default after :- when the variable is unset or empty', () => {
    expect(expandString('${MISSING:-fallback}', {}).value).toBe('fallback');
    expect(expandString('${EMPTY:-fallback}', { EMPTY: '' }).value).toBe('fallback');
    expect(expandString('${MISSING:-}', {}).value).toBe('');
  });

  it('reports an unset variable without a default as missing', () => {
    const result = expandString('x${NOPE}y', {});
    expect(result.missing).toEqual(['NOPE']);
  });

  it('writes a literal ${ for $${', () => {
    expect(expandString('$${NOT_A_VAR}', {}).value).toBe('${NOT_A_VAR}');
  });
});

describe('expandTree', () => {
  it('expands only string values and reports missing variables by config path', () => {
    const tree = { providers: [{ api_key: '${A}', port: 5 }, { api_key: '${B}' }], comment: 'plain' };
    const result = expandTree(tree, { A: 'one' });
    expect(result.value.providers[0]).toEqual({ api_key: 'one', port: 5 });
    expect(result.problems).toEqual([{ path: 'providers[1].api_key', variable: 'B' }]);
    expect(result.references.get('providers[0].api_key')).toEqual(['A']);
  });
});

describe('soleReference', () => {
  it('names the variable when the whole value is one reference', () => {
    expect(soleReference('${OPENAI_API_KEY}')).toBe('OPENAI_API_KEY');
    expect(soleReference('${OPENAI_API_KEY:-}')).toBe('OPENAI_API_KEY');
    expect(soleReference('sk-${X}')).toBeUndefined();
  });
});
