import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText, parseYaml } from './load-config.js';

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfigText(text, { env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

const VALID = `
providers:
  - name: primary
    type: openai
    base_url: https://api.openai.com/v1
    api_key: \${OPENAI_API_KEY}
  - name: backup
    type: openai
    base_url: http://127.0.0.1:9001/v1
    api_key: \${BACKUP_KEY:-local}
    allow_private_network: true
models:
  - name: gpt-4o-mini
    targets:
      - { provider: primary, model: gpt-4o-mini }
      - { provider: backup, model: llama-3.1-8b }
`;

describe('parseConfigText', () => {
  it('applies defaults and expands variables', () => {
    const { config } = parseConfigText(VALID, { env: { OPENAI_API_KEY: 'sk-test' } });
    expect(config.server.listen).toBe('127.0.0.1:8080');
    expect(config.server.max_body_size).toBe(10 * 1024 * 1024);
    expect(config.storage).toBe('sqlite:./data/gateway.db');
    expect(config.providers[0]?.api_key).toBe('sk-test');
    expect(config.providers[1]?.api_key).toBe('local');
    expect(config.models[0]?.fallback_on).toEqual(['rate_limit', 'server_error', 'timeout', 'connection']);
  });

  it('names an undefined variable and its path', () => {
    expect(problems(VALID)).toEqual([
      'providers[0].api_key: environment variable OPENAI_API_KEY is not set (use ${OPENAI_API_KEY:-default} for an optional value)',
    ]);
  });

  it('names the exact path of an unknown provider in a target', () => {
    const text = VALID.replace('{ provider: backup,', '{ provider: bakup,');
    expect(problems(text, { OPENAI_API_KEY: 'x' })).toEqual([
      'models[0].targets[1].provider: unknown provider "bakup" (known: "primary", "backup")',
    ]);
  });

  it('rejects unknown keys, so typos never pass silently', () => {
    const text = VALID.replace('allow_private_network: true', 'allow_private_netwrok: true');
    const found = problems(text, { OPENAI_API_KEY: 'x' });
    expect(
      found.some((p) => p.startsWith('providers[1]: Unrecognized key') && p.includes('allow_private_netwrok')),
    ).toBe(true);
  });

  it('refuses a private upstream unless allow_private_network is set', () => {
    const text = VALID.replace('    allow_private_network: true\n', '');
    expect(problems(text, { OPENAI_API_KEY: 'x' })).toEqual([
      'providers[1].base_url: 127.0.0.1 is a loopback/private address; set providers[1].allow_private_network: true to allow it',
    ]);
  });

  it.each([
    'https://2130706433/v1',
    'https://0x7f.1/v1',
    'https://[::ffff:127.0.0.1]/v1',
    'https://[::127.0.0.1]/v1',
    'https://[64:ff9b::169.254.169.254]/v1',
    'https://[2002:a9fe:a9fe::1]/v1',
  ])('refuses the private address in %s, however it is spelled', (url) => {
    const text = VALID.replace('https://api.openai.com/v1', url);
    expect(problems(text, { OPENAI_API_KEY: 'x' })[0]).toMatch(
      /^providers\[0\]\.base_url: .* is a loopback\/private address/,
    );
  });

  it('refuses plain http to a public host, which would send the key in clear', () => {
    const text = VALID.replace('https://api.openai.com/v1', 'http://api.openai.com/v1');
    expect(problems(text, { OPENAI_API_KEY: 'x' })[0]).toMatch(/^providers\[0\]\.base_url: plain http:\/\//);
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(problems('models: [\n  - oops')[0]).toMatch(/^config:\d+:\d+: /);
  });

  it('never quotes the source text of a YAML syntax error, which may be a secret', () => {
    const found = problems('models: []]\napi_key: sk-literal-secret-value\n');
    expect(found).toContain('config:2:10: Unexpected scalar token in YAML stream');
    expect(found.join('\n')).not.toContain('sk-literal-secret-value');
  });

  it('parses byte sizes for max_body_size', () => {
    const { config } = parseConfigText('server:\n  max_body_size: 2MiB\n', { env: {} });
    expect(config.server.max_body_size).toBe(2 * 1024 * 1024);
    expect(problems('server:\n  max_body_size: lots\n')[0]).toContain('server.max_body_size');
  });

  it('warns about a model with a single target and an unused provider', () => {
    const text = VALID.replace('      - { provider: backup, model: llama-3.1-8b }\n', '');
    const { warnings } = parseConfigText(text, { env: { OPENAI_API_KEY: 'x' } });
    expect(warnings.map((w) => w.path)).toEqual(expect.arrayContaining(['models[0].targets', 'providers[1]']));
    expect(warnings).toContainEqual({
      path: 'providers[1].allow_private_network',
      message: 'provider "backup" has its upstream on a private/loopback address (127.0.0.1)',
    });
  });

  it('requires exactly one of token and token_sha256 for a client', () => {
    const text = `clients:\n  - name: ci\n`;
    expect(problems(text)).toEqual(['clients[0]: set exactly one of token or token_sha256']);
  });

  it("says why a tag name is refused, not only that a record's key is invalid", () => {
    const text = `clients:\n  - name: ci\n    token: abcdefghijklmnopqrstuvwxyz\n    tags: { "cost center": x }\n`;
    expect(problems(text)).toEqual([
      'clients[0].tags.cost center: invalid name: tag names use letters, digits and _ . : -',
    ]);
  });
});

describe('YAML that could leak or explode', () => {
  it('never quotes the source in a syntax error, whatever form the value takes', () => {
    for (const text of [
      'api_key: |sk-SECRET-in-block\n  - x: [',
      'providers:\n  - api_key: "sk-SECRET-quoted\n',
      "x: 'sk-SECRET-single\n",
    ]) {
      try {
        parseYaml(text, 'gateway.yaml');
        expect.unreachable(text);
      } catch (error) {
        expect(JSON.stringify((error as ConfigError).problems)).not.toContain('SECRET');
      }
    }
  });

  it('refuses aliases, so neither an alias bomb nor an unresolved alias gets anywhere', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefghij'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(',')}]`),
    ].join('\n');
    for (const text of [bomb, 'providers:\n  - api_key: *missing\n']) {
      expect(() => parseYaml(text, 'gateway.yaml')).toThrow(ConfigError);
      try {
        parseYaml(text, 'gateway.yaml');
      } catch (error) {
        expect((error as ConfigError).problems.map((p) => p.message).join(' ')).toMatch(/alias|syntax/);
      }
    }
  });

  it('warns about, and still loads, a model or provider named as the label /metrics gives unnamed values', () => {
    const text = VALID.replace('name: backup', 'name: none')
      .replace('provider: backup', 'provider: none')
      .replace('name: gpt-4o-mini', 'name: other');
    expect(problems(text, { OPENAI_API_KEY: 'sk-test' })).toEqual([]);
    const { warnings } = parseConfigText(text, { env: { OPENAI_API_KEY: 'sk-test' } });
    expect(warnings.filter((w) => w.message.includes('/metrics')).map((w) => w.path)).toEqual([
      'providers[1].name',
      'models[0].name',
    ]);
  });
});
