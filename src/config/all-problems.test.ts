import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from './load-config.js';

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfigText(text, { env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

/** Three kinds of mistake in one file: an unset variable, schema errors in two places, and a typo'd key. */
const BROKEN = `
server:
  listen: not-an-address
  shutdown_grace_ms: -5
providers:
  - name: primary
    type: openai
    base_url: https://api.openai.com/v1
    api_key: \${OPENAI_API_KEY}
  - name: backup
    type: openaai
    base_url: https://example.com/v1
    api_kye: x
models:
  - name: chat
    targets:
      - { provider: primary, model: gpt-4o-mini, weight: "heavy" }
`;

describe('config validation reports every problem in one pass', () => {
  it('lists the unset variable and every schema problem with its path', () => {
    const found = problems(BROKEN);
    const paths = found.map((line) => line.slice(0, line.indexOf(':')));
    expect(found).toContain(
      'providers[0].api_key: environment variable OPENAI_API_KEY is not set (use ${OPENAI_API_KEY:-default} for an optional value)',
    );
    expect(paths).toEqual(
      expect.arrayContaining(['server.listen', 'server.shutdown_grace_ms', 'providers[1].type', 'providers[1]']),
    );
    expect(found.some((line) => line.includes('api_kye'))).toBe(true);
    expect(found.length).toBeGreaterThanOrEqual(5);
  });

  it('lists every cross-reference problem together with an unset variable', () => {
    const text = `
providers:
  - name: primary
    type: openai
    base_url: https://api.openai.com/v1
    api_key: \${OPENAI_API_KEY}
models:
  - name: a
    targets: [{ provider: nope, model: m }]
  - name: b
    targets: [{ provider: gone, model: m }]
`;
    const found = problems(text);
    expect(found).toEqual([
      'providers[0].api_key: environment variable OPENAI_API_KEY is not set (use ${OPENAI_API_KEY:-default} for an optional value)',
      'models[0].targets[0].provider: unknown provider "nope" (known: "primary")',
      'models[1].targets[0].provider: unknown provider "gone" (known: "primary")',
    ]);
  });

  it('names an unknown provider together with a schema problem elsewhere', () => {
    const text = `
providers:
  - name: primary
    type: openai
    base_url: https://api.openai.com/v1
models:
  - name: a
    strategy: roundrobin
    targets: [{ provider: primray, model: m }]
  - name: b
    targets: [{ provider: primary, model: m }, { provider: 7, model: m }]
`;
    const found = problems(text);
    expect(found).toContain('models[0].targets[0].provider: unknown provider "primray" (known: "primary")');
    expect(found.some((line) => line.startsWith('models[0].strategy:'))).toBe(true);
    // A provider that is not a string is the schema's problem, named once.
    expect(found.filter((line) => line.startsWith('models[1].targets[1].provider:'))).toHaveLength(1);
    expect(found.some((line) => line.startsWith('models[1].targets[0]'))).toBe(false);
  });

  it('does not report a schema problem caused only by an unset variable', () => {
    const text = `
providers:
  - name: primary
    type: openai
    base_url: \${UPSTREAM_URL}
models:
  - name: a
    targets: [{ provider: primary, model: m }]
`;
    expect(problems(text)).toEqual([
      'providers[0].base_url: environment variable UPSTREAM_URL is not set (use ${UPSTREAM_URL:-default} for an optional value)',
    ]);
  });
});
