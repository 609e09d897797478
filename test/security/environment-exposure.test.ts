import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

const HOST = 'Env-Secret-Host-7731.Example';
const SCHEME = 'Env-Secret-Scheme';
const MODEL = 'env-secret-model-5521';

/** True when `text` holds `value` in any letter case (how URL parsers and host checks print it). */
function holds(text: string, value: string): boolean {
  return text.toLowerCase().includes(value.toLowerCase());
}

/**
 * The gateway's environment was readable through the admin API: a scheme or host built from `${VAR}` came back
 * lowercased in validation messages (the mask matched exact text only), and a provider URL or model name built
 * from a variable showed its value in /status, /providers and /v1/models. References are now refused in names and
 * model ids, and every admin answer shows any form of a referenced value as its reference.
 */
describe('the environment through the admin API', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  let viewer: string;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('primary', upstream.baseUrl),
          { ...fakeProvider('hidden', 'https://${AMG_TEST_HOST}/v1'), allow_private_network: false },
        ],
        models: [
          { name: 'chat', targets: [{ provider: 'primary', model: 'm1' }] },
          { name: 'second', targets: [{ provider: 'hidden', model: 'm2' }] },
        ],
      },
      env: { AMG_TEST_HOST: HOST, AMG_TEST_SCHEME: SCHEME, AMG_TEST_MODEL: MODEL },
    });
    viewer = (await harness.admin('POST', '/admin-tokens', { name: 'peek', role: 'viewer' })).body.token;
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  it('shows a provider URL built from a variable as its reference to every role, in every answer', async () => {
    for (const path of ['/status', '/providers', '/overview', '/diagnostics']) {
      for (const token of [viewer, undefined]) {
        const answer = await harness.admin('GET', path, undefined, token);
        expect(answer.status, path).toBe(200);
        expect(holds(JSON.stringify(answer.body), HOST), `${path} ${token ? 'viewer' : 'admin'}`).toBe(false);
      }
    }
    const providers = await harness.admin('GET', '/providers', undefined, viewer);
    const hidden = providers.body.data.find((p: { name: string }) => p.name === 'hidden');
    expect(hidden.base_url).toBe('https://${AMG_TEST_HOST}/v1');
  });

  it('never shows a case-folded value in validation messages', async () => {
    const content = stringify({
      providers: [
        { name: 'p', type: 'openai', base_url: '${AMG_TEST_SCHEME}://api.example.com/v1' },
        { name: 'q', type: 'openai', base_url: 'https://${AMG_TEST_HOST}/v1', allow_private_network: true },
      ],
      models: [{ name: 'm', targets: [{ provider: 'p', model: 'x' }] }],
    });
    const validated = await harness.admin('POST', '/config/validate', { content }, viewer);
    expect(validated.status).toBe(200);
    const text = JSON.stringify(validated.body);
    expect(validated.body.errors.length).toBeGreaterThan(0);
    expect(holds(text, SCHEME)).toBe(false);
    expect(holds(text, HOST)).toBe(false);
    expect(text).toContain('${AMG_TEST_SCHEME}');
  });

  it('refuses a model name built from a variable, so /v1/models can never show it', async () => {
    const content = stringify({
      providers: [fakeProvider('primary', upstream.baseUrl)],
      models: [{ name: '${AMG_TEST_MODEL}', targets: [{ provider: 'primary', model: 'm1' }] }],
    });
    const published = await harness.admin('POST', '/config/publish', { content, message: 'env name' });
    expect(published.status).toBe(422);
    expect(JSON.stringify(published.body)).not.toContain(MODEL);
    expect(JSON.stringify(published.body)).toContain('models[0].name');
    const models = await harness.openai(CLIENT_TOKEN).models.list();
    expect(JSON.stringify(models.data)).not.toContain(MODEL);
  });
});
