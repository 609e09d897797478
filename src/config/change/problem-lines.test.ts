import { describe, expect, it } from 'vitest';
import { problemLines } from './problem-lines.js';

const text = `providers:
  - name: a
    type: openai
models:
  - name: chat
    targets:
      - provider: bakup
        model: x
`;

describe('problemLines', () => {
  it('finds a path in the YAML tree, the nearest parent of a missing key, and syntax positions', () => {
    const lines = problemLines(text, 'draft', [
      { path: 'models[0].targets[0].provider', message: 'unknown provider' },
      { path: 'providers[0].base_url', message: 'required' },
      { path: 'draft:3:7', message: 'bad indentation' },
      { path: 'nowhere', message: 'x' },
      { path: '(root)', message: 'Unrecognized key: "models"' },
      { path: 'models[0]', message: 'Unrecognized key: "targets"' },
    ]);
    expect(lines.map((l) => l.line)).toEqual([7, 2, 3, null, 4, 6]);
  });
});
