import { describe, expect, it } from 'vitest';
import { diffConfigs, sameConfig } from './config-diff.js';

const base = {
  providers: [
    { name: 'openai', type: 'openai', base_url: 'https://api.openai.com/v1', api_key: 'sk-old-literal' },
    { name: 'azure', type: 'openai', base_url: 'https://azure.example.com/v1', api_key: '${AZURE_KEY}' },
  ],
  models: [
    {
      name: 'chat',
      targets: [
        { provider: 'openai', model: 'gpt-4o-mini' },
        { provider: 'azure', model: 'gpt-4o-mini' },
      ],
      fallback_on: ['rate_limit'],
    },
  ],
  clients: [{ name: 'ci', token: 'ci-token-literal-123' }],
};

const clone = () => structuredClone(base) as any;

describe('diffConfigs', () => {
  it('matches providers, models and clients by name, so reordering them changes nothing', () => {
    const next = clone();
    next.providers.reverse();
    next.clients = [...next.clients];
    expect(diffConfigs(base, next)).toEqual([]);
    expect(sameConfig(base, next)).toBe(true);
  });

  it('names changed fields by path through named items', () => {
    const next = clone();
    next.providers[1].base_url = 'https://azure2.example.com/v1';
    next.models[0].targets[1].weight = 3;
    expect(diffConfigs(base, next)).toEqual([
      {
        kind: 'changed',
        path: 'providers[azure].base_url',
        before: 'https://azure.example.com/v1',
        after: 'https://azure2.example.com/v1',
      },
      { kind: 'added', path: 'models[chat].targets[azure/gpt-4o-mini].weight', value: 3 },
    ]);
  });

  it('reports a new fallback order of targets, since order decides routing', () => {
    const next = clone();
    next.models[0].targets.reverse();
    expect(diffConfigs(base, next)).toEqual([
      {
        kind: 'reordered',
        path: 'models[chat].targets',
        before: ['openai/gpt-4o-mini', 'azure/gpt-4o-mini'],
        after: ['azure/gpt-4o-mini', 'openai/gpt-4o-mini'],
      },
    ]);
  });

  it('shows a changed secret only as changed, and references as written', () => {
    const next = clone();
    next.providers[0].api_key = 'sk-new-literal';
    next.providers[1].api_key = '${AZURE_KEY_2}';
    next.clients.push({ name: 'new', token: 'new-token-literal-456' });
    const changes = diffConfigs(base, next);
    expect(changes).toEqual([
      { kind: 'changed', path: 'providers[openai].api_key', before: '<redacted>', after: '<redacted>', secret: true },
      {
        kind: 'changed',
        path: 'providers[azure].api_key',
        before: '${AZURE_KEY}',
        after: '${AZURE_KEY_2}',
        secret: true,
      },
      { kind: 'added', path: 'clients[new]', value: { name: 'new', token: '<redacted>' } },
    ]);
    const text = JSON.stringify(changes);
    for (const secret of ['sk-old-literal', 'sk-new-literal', 'new-token-literal-456'])
      expect(text).not.toContain(secret);
  });

  it('reports removed items with their (redacted) content, and plain lists as whole values', () => {
    const next = clone();
    next.providers.splice(0, 1);
    next.models[0].fallback_on = ['rate_limit', 'timeout'];
    expect(diffConfigs(base, next)).toEqual([
      {
        kind: 'removed',
        path: 'providers[openai]',
        value: { name: 'openai', type: 'openai', base_url: 'https://api.openai.com/v1', api_key: '<redacted>' },
      },
      { kind: 'changed', path: 'models[chat].fallback_on', before: ['rate_limit'], after: ['rate_limit', 'timeout'] },
    ]);
  });

  it('diffs a list by position when its items cannot be told apart by name', () => {
    const next = clone();
    next.providers.push({ ...next.providers[0] });
    expect(diffConfigs(base, next)).toMatchObject([{ kind: 'changed', path: 'providers' }]);
  });
});
