import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirectLog } from '../../src/server/log.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

const PROMPT = 'a prompt that must stay out of the logs';

describe('structured logs and the access log', () => {
  let upstream: FakeOpenAI;
  let down: FakeOpenAI;
  let harness: GatewayHarness;
  const lines: string[] = [];
  let restore: () => void;

  beforeAll(async () => {
    restore = redirectLog({ write: (line: string) => lines.push(line) });
    upstream = await FakeOpenAI.start({ apiKey: 'sk-up-secret-value' });
    down = await FakeOpenAI.start({ apiKey: 'sk-down' });
    down.setDefault({ kind: 'error', status: 500 });
    harness = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('primary', upstream.baseUrl, 'sk-up-secret-value'),
          fakeProvider('down', down.baseUrl, 'sk-down'),
        ],
        models: [
          { name: 'chat', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] },
          { name: 'broken', targets: [{ provider: 'down', model: 'm' }] },
        ],
        log: { level: 'info', access_log: true },
      },
      env: { AMG_LOG_LEVEL: undefined },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
    await down.close();
    restore();
  });

  it('writes one JSON line per request with its id and telemetry fields, without bodies or tokens', async () => {
    const { response } = await harness
      .openai()
      .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: PROMPT }] })
      .withResponse();
    const requestId = response.headers.get('x-request-id');
    await harness.records(1);
    const access = lines.map((line) => JSON.parse(line)).filter((entry) => entry.request_id === requestId);
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      level: 'info',
      msg: 'request',
      status: 200,
      model: 'chat',
      provider: 'primary',
      upstream_model: 'gpt-4o-mini',
      route_mode: 'direct',
      entry_point: 'chat.completions',
      input_tokens: 12,
      output_tokens: 6,
    });
    expect(Date.parse(access[0].time)).not.toBeNaN();
    const everything = lines.join('');
    expect(everything).not.toContain(PROMPT);
    expect(everything).not.toContain(CLIENT_TOKEN);
    expect(everything).not.toContain('sk-up-secret-value');
  });

  it('names the provider tried last when no target answered, the request keeping provider null', async () => {
    const { response } = await harness
      .openai()
      .chat.completions.create({ model: 'broken', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse()
      .catch((error: { headers?: Headers }) => ({ response: { headers: error.headers as Headers } }));
    const requestId = response.headers.get('x-request-id');
    await expect
      .poll(() => lines.map((line) => JSON.parse(line)).find((e) => e.msg === 'request' && e.request_id === requestId))
      .toMatchObject({ model: 'broken', provider: null, last_provider_tried: 'down' });
  });

  it('logs a refused request too, with its status', async () => {
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer wrong-token-0123456789', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', messages: [] }),
    });
    expect(response.status).toBe(401);
    await expect
      .poll(() =>
        lines.map((line) => JSON.parse(line)).find((e) => e.request_id === response.headers.get('x-request-id')),
      )
      .toMatchObject({ status: 401, error_code: 'GW_ERR_AUTH_INVALID' });
    expect(lines.join('')).not.toContain('wrong-token-0123456789');
  });

  it("attributes a key's request to the key and its tags, with every token count of the record", async () => {
    const created = await harness.admin('POST', '/keys', { name: 'search-team', tags: { team: 'search' } });
    expect(created.status).toBe(201);
    const { response } = await harness
      .openai(created.body.token)
      .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: PROMPT }] })
      .withResponse();
    const requestId = response.headers.get('x-request-id');
    await expect
      .poll(() => lines.map((line) => JSON.parse(line)).find((e) => e.request_id === requestId && e.msg === 'request'))
      .toMatchObject({
        client: 'search-team',
        key_id: created.body.id,
        tags: { team: 'search' },
        input_tokens: 12,
        cached_tokens: 0,
        cache_write_tokens: 0,
        usage_estimated: false,
      });
    expect(lines.join('')).not.toContain(created.body.token);
  });
});
