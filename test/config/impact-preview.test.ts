import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../support/cli-process.js';
import { ADMIN_TOKEN, CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { requestRecord, requestRecords } from '../support/request-records.js';

const HOUR = 3_600_000;
const NOWHERE = 'http://127.0.0.1:9/v1';

const providers = [
  { ...fakeProvider('a', NOWHERE), pricing: { 'm-a': { input: 1, output: 2 } } },
  { ...fakeProvider('b', NOWHERE), pricing: { 'm-b': { input: 0.5, output: 1, cached_input: 0.25 } } },
  fakeProvider('c', NOWHERE),
];
const clients = [
  { name: 'test-client', token: CLIENT_TOKEN },
  { name: 'ci', token: 'ci-token-0123456789abcdef' },
];

/** The impact preview against a request history seeded with known traffic, so every number is known. */
describe('impact preview over recorded traffic', () => {
  let harness: GatewayHarness;
  let draft: string;

  beforeAll(async () => {
    harness = await GatewayHarness.start({
      config: {
        providers,
        clients,
        models: [
          {
            name: 'chat',
            targets: [
              { provider: 'a', model: 'm-a' },
              { provider: 'b', model: 'm-b' },
            ],
          },
          { name: 'embed', targets: [{ provider: 'a', model: 'e' }] },
          { name: 'old', targets: [{ provider: 'b', model: 'm-b' }] },
        ],
      },
    });
    draft = stringify({
      storage: `sqlite:${join(harness.dir, 'gateway.db')}`,
      providers,
      clients: [clients[0]],
      models: [
        {
          name: 'chat',
          strategy: 'weighted',
          targets: [
            { provider: 'a', model: 'm-a', weight: 1 },
            { provider: 'b', model: 'm-b', weight: 3 },
          ],
        },
        { name: 'embed', targets: [{ provider: 'c', model: 'e' }] },
      ],
    });
    await writeFile(join(harness.dir, 'draft.yaml'), draft);
    const recent = Date.now() - 2 * HOUR;
    await harness.gateway.store.insertRequests([
      ...requestRecords(
        60,
        { time: recent, requestedModel: 'chat', client: 'ci', provider: 'a' },
        { inputTokens: 600_000, outputTokens: 300_000, cachedTokens: 100_000 },
      ),
      ...requestRecords(
        40,
        { time: recent, requestedModel: 'chat', client: 'test-client', provider: 'b' },
        { inputTokens: 400_000, outputTokens: 100_000 },
      ),
      ...requestRecords(
        10,
        { time: recent, requestedModel: 'embed', entryPoint: 'embeddings', client: 'test-client', provider: 'a' },
        { inputTokens: 1_000_000 },
      ),
      ...requestRecords(5, { time: recent, requestedModel: 'old', client: 'ci', provider: 'b' }),
      ...requestRecords(3, {
        time: recent,
        requestedModel: 'ghost',
        client: 'test-client',
        provider: null,
        status: 404,
      }),
      requestRecord({
        time: Date.now() - 13 * HOUR,
        requestedModel: 'chat',
        client: 'ci',
        provider: 'a',
        inputTokens: 9_999_999,
      }),
      requestRecord({ time: recent, entryPoint: 'models', requestedModel: 'chat', path: '/v1/models/chat' }),
    ]);
  });
  afterAll(() => harness.close());

  it('reports unknown models, shifted traffic, lost clients and cost per day with the numbers the history gives', async () => {
    const { status, body } = await harness.admin('POST', '/config/preview', {
      target: { content: draft, name: 'draft.yaml' },
      window: '12h',
    });
    expect(status).toBe(200);
    expect(body.impact).toEqual({
      requests: 118,
      unknownModels: [{ model: 'old', requests: 5 }],
      providers: [
        { provider: '(unknown model)', current: { requests: 3, share: 0.0254 }, draft: { requests: 8, share: 0.0678 } },
        { provider: 'a', current: { requests: 110, share: 0.9322 }, draft: { requests: 25, share: 0.2119 } },
        { provider: 'b', current: { requests: 5, share: 0.0424 }, draft: { requests: 75, share: 0.6356 } },
        { provider: 'c', current: { requests: 0, share: 0 }, draft: { requests: 10, share: 0.0847 } },
      ],
      lostClients: [{ client: 'ci', reason: 'removed', requests: 65 }],
      cost: {
        currentPerDay: 3.6,
        draftPerDay: 2.2125,
        byModel: [
          { model: 'chat', currentPerDay: 3.6, draftPerDay: 2.2125 },
          { model: 'old', currentPerDay: 0, draftPerDay: null },
        ],
        unpriced: ['c/e'],
      },
    });
    expect(body.routing[0]).toMatchObject({
      model: 'chat',
      strategy: 'weighted',
      targets: [
        { provider: 'a', share: 0.25, price: { input: 1, output: 2 } },
        { provider: 'b', share: 0.75 },
      ],
    });
  });

  it('prints the same preview from the CLI, over HTTP and on the local store', async () => {
    for (const url of [true, false]) {
      const args = ['config', 'preview', 'draft.yaml', '--window', '12h'];
      const result = await runCli(url ? ['--url', harness.adminUrl, '--token', ADMIN_TOKEN, ...args] : args, {
        cwd: harness.dir,
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Impact over the last 12h: 118 requests replayed against revision 1');
      expect(result.stdout).toContain('unknown models: old (5 requests would get 404)');
      expect(result.stdout).toContain('clients losing access: ci (removed, 65 requests)');
      expect(result.stdout).toContain('cost per day: $3.60 -> $2.21 (no price for c/e)');
      expect(result.stdout).toMatch(/\nb\s+5 \(4\.2%\)\s+75 \(63\.6%\)\s+\+70\n/);
      expect(result.stdout).toMatch(/chat\s+weighted\s+a\/m-a\s+25%\s+1\/2/);
    }
  });

  it('refuses to preview an invalid draft, naming the path', async () => {
    const broken = draft.replace('provider: c', 'provider: zz');
    const { status, body } = await harness.admin('POST', '/config/preview', { target: { content: broken } });
    expect(status).toBe(422);
    expect(body.error.problems[0].path).toBe('models[1].targets[0].provider');
  });
});
