import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

const PRIMARY_KEY = 'sk-primary-SECRET-echoed-91ab';
const BACKUP_KEY = 'sk-backup-SECRET-echoed-27cd';
const HEADER_SECRET = 'org-SECRET-header-echoed-55ef';

/**
 * Some upstreams quote the credential they were sent in their error messages ("Incorrect API key provided:
 * sk-..."). Those messages become the gateway's error to the client, the request log and the target's last
 * error; the provider's secrets in them are replaced before they go anywhere.
 */
describe('provider keys quoted in upstream error messages', () => {
  let primary: FakeOpenAI;
  let backup: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    primary = await FakeOpenAI.start({ apiKey: PRIMARY_KEY });
    backup = await FakeOpenAI.start({ apiKey: BACKUP_KEY });
    harness = await GatewayHarness.start({
      config: {
        providers: [
          { ...fakeProvider('primary', primary.baseUrl, PRIMARY_KEY), headers: { 'x-org': HEADER_SECRET } },
          fakeProvider('backup', backup.baseUrl, BACKUP_KEY),
        ],
        models: [
          {
            name: 'chat',
            targets: [
              { provider: 'primary', model: 'm1' },
              { provider: 'backup', model: 'm2' },
            ],
          },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await primary.close();
    await backup.close();
  });

  it('never reach the client, the request log or the provider status', async () => {
    primary.enqueue({
      kind: 'error',
      status: 500,
      body: {
        error: { message: `upstream broke for key ${PRIMARY_KEY} (org ${HEADER_SECRET})`, type: 'server_error' },
      },
    });
    backup.enqueue({
      kind: 'error',
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${BACKUP_KEY}`, type: 'invalid_request_error' } },
    });
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const clientText = await response.text();
    expect(response.status).toBe(502);
    expect(clientText).toContain('Incorrect API key provided: <redacted>');

    const [record] = await harness.records(1);
    const requests = await harness.admin('GET', '/requests?limit=10');
    const providers = await harness.admin('GET', '/providers');
    const everything = [
      clientText,
      JSON.stringify(record),
      JSON.stringify(requests.body),
      JSON.stringify(providers.body),
    ];
    for (const secret of [PRIMARY_KEY, BACKUP_KEY, HEADER_SECRET]) {
      for (const text of everything) expect(text).not.toContain(secret);
    }
    expect(record?.attempts.map((a) => a.status)).toEqual([500, 401]);
  });

  it('never reach the request log from a stream that fails part way', async () => {
    primary.enqueue({ kind: 'streamError', after: 1, message: `key ${PRIMARY_KEY} was revoked` });
    const stream = await harness.openai().chat.completions.create({
      model: 'chat',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await (async () => {
      for await (const _chunk of stream) {
        // drain
      }
    })().catch(() => undefined);
    const records = await harness.records(2);
    expect(records[0]?.errorMessage).toContain('<redacted>');
    expect(JSON.stringify(records)).not.toContain(PRIMARY_KEY);
  });

  it('never reach the request log from an error inside a 200 or as the first event of a stream', async () => {
    const quoted = { error: { message: `key ${PRIMARY_KEY} is over quota`, type: 'server_error' } };
    primary.enqueue({ kind: 'error', status: 200, body: quoted });
    primary.enqueue({ kind: 'streamError', after: 0, message: `key ${PRIMARY_KEY} is over quota` });
    await harness.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    const stream = await harness.openai().chat.completions.create({
      model: 'chat',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    for await (const _chunk of stream) {
      // drain: served by the backup
    }
    const records = await harness.records(4);
    expect(records[0]?.attempts[0]?.error).toBe('key <redacted> is over quota');
    expect(records[1]?.attempts[0]?.error).toBe('key <redacted> is over quota');
    const providers = await harness.admin('GET', '/providers');
    expect(JSON.stringify([records, providers.body])).not.toContain(PRIMARY_KEY);
  });
});
