import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError } from '../load-config.js';
import { openContent, redactContent, redactTree, sealContent } from './sealed-content.js';
import { SecretBox } from './secret-box.js';

const box = new SecretBox(randomBytes(32));
const boxSource = async () => box;

const TEXT = `# production gateway
providers:
  - name: primary # the main one
    type: openai
    base_url: https://api.openai.com/v1
    api_key: sk-literal-secret-0001
    headers: { x-org: org-literal-0002, authorization: "Bearer \${ORG_TOKEN}" }
  - { name: backup, type: openai, base_url: https://b.example.com/v1, api_key: "\${BACKUP_KEY}" }
clients:
  - { name: ci, token: ci-literal-token-000003 }
`;

describe('sealed revision content', () => {
  it('encrypts literal secrets in place and keeps comments, references and everything else', async () => {
    const content = await sealContent(TEXT, boxSource, undefined);
    for (const secret of ['sk-literal-secret-0001', 'org-literal-0002', 'ci-literal-token-000003']) {
      expect(content).not.toContain(secret);
    }
    expect(content).toContain('# the main one');
    expect(content).toContain('${BACKUP_KEY}');
    expect(content).toContain('Bearer ${ORG_TOKEN}');
    expect(content.match(/enc:v1:/g)).toHaveLength(3);
    expect(await openContent(content, boxSource)).toEqual(parse(TEXT));
  });

  it('stores text without literal secrets byte for byte', async () => {
    const text = 'providers:\n  - { name: a, type: openai, base_url: https://x.test/v1, api_key: "${A}" }  # hi\n';
    expect(await sealContent(text, async () => Promise.reject(new Error('no key needed')), undefined)).toBe(text);
  });

  it('exports secrets as <redacted>, which publishes back as the previous value of the same named field', async () => {
    const stored = await sealContent(TEXT, boxSource, undefined);
    const exported = redactContent(stored);
    expect(exported).toContain('api_key: <redacted>');
    expect(exported).toContain('${BACKUP_KEY}');
    const withPrimaryLast = `providers:
  - { name: backup, type: openai, base_url: https://b.example.com/v1, api_key: "\${BACKUP_KEY}" }
  - { name: primary, type: openai, base_url: https://api.openai.com/v1, api_key: <redacted> }
clients:
  - { name: ci, token: <redacted> }
`;
    const republished = await sealContent(withPrimaryLast, boxSource, parse(stored));
    const opened = (await openContent(republished, boxSource)) as any;
    expect(opened.providers.map((p: any) => p.name)).toEqual(['backup', 'primary']);
    expect(opened.providers[1].api_key).toBe('sk-literal-secret-0001');
    expect(opened.clients[0].token).toBe('ci-literal-token-000003');
  });

  it('refuses <redacted> where the previous revision has no value, naming the path', async () => {
    const text = 'clients:\n  - { name: new-client, token: <redacted> }\n';
    const error = await sealContent(text, boxSource, { clients: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]?.path).toBe('clients[0].token');
  });

  it('refuses to let a kept provider secret follow the provider to another host', async () => {
    const stored = await sealContent(TEXT, boxSource, undefined);
    const moved = redactContent(stored).replace('https://api.openai.com/v1', 'https://attacker.example.com/v1');
    const error = await sealContent(moved, boxSource, parse(stored)).catch((e: unknown) => e);
    expect((error as ConfigError).problems.map((p) => p.path)).toEqual([
      'providers[0].api_key',
      'providers[0].headers.x-org',
    ]);
    expect((error as ConfigError).problems[0]?.message).toMatch(/only while base_url stays the same/);
  });

  it('seals the metrics token and OTLP headers, and keeps them only while the collector stays the same', async () => {
    const text = `metrics: { token: metrics-literal-token-0004 }
telemetry:
  otlp:
    endpoint: https://collector.example.com:4318
    headers: { x-api-key: otlp-literal-0005, authorization: "Bearer \${OTLP_TOKEN}" }
`;
    const stored = await sealContent(text, boxSource, undefined);
    expect(stored).not.toContain('metrics-literal-token-0004');
    expect(stored).not.toContain('otlp-literal-0005');
    expect(stored).toContain('Bearer ${OTLP_TOKEN}');
    expect(await openContent(stored, boxSource)).toEqual(parse(text));
    const exported = redactContent(stored);
    expect(exported).toContain('token: <redacted>');
    expect(exported).toContain('x-api-key: <redacted>');
    expect(redactTree(parse(text))).toMatchObject({
      metrics: { token: '<redacted>' },
      telemetry: { otlp: { headers: { 'x-api-key': '<redacted>', authorization: 'Bearer ${OTLP_TOKEN}' } } },
    });

    const republished = (await openContent(await sealContent(exported, boxSource, parse(stored)), boxSource)) as any;
    expect(republished.metrics.token).toBe('metrics-literal-token-0004');
    expect(republished.telemetry.otlp.headers['x-api-key']).toBe('otlp-literal-0005');

    const moved = exported.replace('collector.example.com', 'attacker.example.com');
    const error = await sealContent(moved, boxSource, parse(stored)).catch((e: unknown) => e);
    expect((error as ConfigError).problems.map((p) => p.path)).toEqual(['telemetry.otlp.headers.x-api-key']);
    expect((error as ConfigError).problems[0]?.message).toMatch(/OTLP endpoint stays the same/);
  });

  it('refuses YAML aliases where secrets live', async () => {
    const text = 'x: &k sk-1\nclients:\n  - { name: a, token: *k }\n';
    await expect(sealContent(text, boxSource, undefined)).rejects.toThrow(/aliases are not allowed/);
  });

  it('redacts a plain tree for display, keeping references', () => {
    expect(redactTree(parse(TEXT))).toMatchObject({
      providers: [
        { api_key: '<redacted>', headers: { 'x-org': '<redacted>', authorization: 'Bearer ${ORG_TOKEN}' } },
        { api_key: '${BACKUP_KEY}' },
      ],
      clients: [{ token: '<redacted>' }],
    });
  });
});
