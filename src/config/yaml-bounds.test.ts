import { describe, expect, it } from 'vitest';
import { ConfigError, parseYamlDocument } from './load-config.js';
import { flowDepth, MAX_FLOW_DEPTH } from './yaml-bounds.js';

describe('flowDepth', () => {
  it('counts nested flow collections, closed or not', () => {
    expect(flowDepth('a: [1, {b: [2]}]\n').depth).toBe(3);
    expect(flowDepth(`x: 1\ndeep: ${'['.repeat(100)}`).depth).toBe(MAX_FLOW_DEPTH + 1);
    expect(flowDepth(`x: 1\ndeep: ${'['.repeat(100)}`).line).toBe(2);
  });

  it('skips brackets in comments, quoted strings and plain scalars', () => {
    const text = [
      `# ${'['.repeat(100)}`,
      `a: "${'['.repeat(100)}\\" ["`,
      `b: '${'{'.repeat(100)}'' ['`,
      `c: x${'['.repeat(100)}`,
      `d: it's ${'y['.repeat(100)}`,
      'e: [1]',
    ].join('\n');
    expect(flowDepth(text).depth).toBe(1);
  });
});

describe('parseYamlDocument', () => {
  it('refuses flow nesting past the bound before parsing, naming the line', () => {
    const text = `models: []\ndeep: ${'['.repeat(50_000)}\n`;
    const started = performance.now();
    const error = (() => {
      try {
        parseYamlDocument(text, 'draft');
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      {
        path: 'draft:2',
        message: `flow collections ([...] or {...}) are nested more than ${MAX_FLOW_DEPTH} levels deep`,
      },
    ]);
    // The YAML parser takes seconds on this text; the scan stops at the bound.
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('parses nesting up to the bound', () => {
    const text = `deep: ${'['.repeat(MAX_FLOW_DEPTH)}1${']'.repeat(MAX_FLOW_DEPTH)}\n`;
    expect(parseYamlDocument(text, 'draft').errors).toEqual([]);
  });
});
