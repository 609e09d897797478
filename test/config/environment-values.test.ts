import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

const ENV_SECRET = 'sk-env-SECRET-value-4242';

/**
 * `${VAR}` expands from the gateway's environment, which holds provider keys and perhaps AMG_MASTER_KEY. A
 * draft sent to validate or preview may reference any variable in any field: what comes back (errors, warnings,
 * the routing table) shows the reference, never the value, so no admin token (a viewer's least of all) can
 * read the gateway's environment.
 */
describe('environment values in validation and preview results', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  let viewer: string;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm1' }] }],
      },
      env: { AMG_TEST_ENV_SECRET: ENV_SECRET },
    });
    viewer = (await harness.admin('POST', '/admin-tokens', { name: 'peek', role: 'viewer' })).body.token;
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  const draft = (provider: Record<string, unknown>, target: Record<string, unknown>, extra = {}) =>
    stringify({
      providers: [{ name: 'p', type: 'openai', base_url: 'https://api.example.com/v1', ...provider }],
      models: [{ name: 'm', targets: [{ provider: 'p', model: 'x', ...target }] }],
      ...extra,
    });

  it('shows the reference instead of the value in errors and warnings', async () => {
    const content = draft(
      { base_url: '${AMG_TEST_ENV_SECRET}' },
      {},
      { server: { max_body_size: '${AMG_TEST_ENV_SECRET}' } },
    );
    const validated = await harness.admin('POST', '/config/validate', { content }, viewer);
    expect(validated.status).toBe(200);
    expect(validated.body.valid).toBe(false);
    const text = JSON.stringify(validated.body);
    expect(text).not.toContain(ENV_SECRET);
    expect(validated.body.errors).toEqual(
      expect.arrayContaining([
        // The admin API also gives each problem its line in the draft, for the Admin UI's editor.
        expect.objectContaining({
          path: 'server.max_body_size',
          message: expect.stringContaining('${AMG_TEST_ENV_SECRET}'),
        }),
      ]),
    );

    const semantic = draft({ base_url: 'https://${AMG_TEST_ENV_SECRET}.example.com/v1' }, {});
    const warned = await harness.admin('POST', '/config/validate', { content: semantic }, viewer);
    expect(JSON.stringify(warned.body)).not.toContain(ENV_SECRET);

    const unknown = draft({}, { provider: '${AMG_TEST_ENV_SECRET}' });
    const refused = await harness.admin('POST', '/config/validate', { content: unknown }, viewer);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        path: 'models[0].targets[0].provider',
        message: expect.stringMatching(/^\$\{AMG_TEST_ENV_SECRET\}: environment references are not allowed in names/),
      }),
    ]);
  });

  it('refuses a reference in a model id in a preview, showing the reference only', async () => {
    const content = draft({}, { model: '${AMG_TEST_ENV_SECRET}' });
    const previewed = await harness.admin('POST', '/config/preview', { target: { content } }, viewer);
    expect(JSON.stringify(previewed.body)).not.toContain(ENV_SECRET);
    expect(JSON.stringify(previewed.body)).toContain('models[0].targets[0].model');
  });

  it('keeps the value out of a refused publish and its audit record', async () => {
    const content = draft({ base_url: '${AMG_TEST_ENV_SECRET}' }, {});
    const refused = await harness.admin('POST', '/config/publish', { content, message: 'typo' });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).not.toContain(ENV_SECRET);
    const audit = await harness.admin('GET', '/audit?action=config.publish&outcome=failed');
    expect(audit.body.data.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit.body)).not.toContain(ENV_SECRET);
  });
});
