import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBedrock } from '../fakes/fake-bedrock.js';
import { CLIENT_TOKEN, GatewayHarness } from '../support/gateway-harness.js';

const ENV_KEYS = {
  accessKeyId: 'AKIAFROMENVIRONMENT1',
  secretAccessKey: 'env-secret-key-0123456789',
  sessionToken: 'env-session-token-0123',
};
const PROFILE_KEYS = {
  accessKeyId: 'AKIAFROMPROFILEFILE1',
  secretAccessKey: 'profile-secret-key-0123456789',
  sessionToken: 'profile-session-token-4567',
};
const API_KEY = 'ABSKbedrock-api-key-0123456789';

/** Where a bedrock provider's credentials come from: the AWS_* variables, a shared profile, a Bedrock API key. */
describe('bedrock credentials', () => {
  let fake: FakeBedrock;
  let dir: string;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    fake = await FakeBedrock.start({ keys: [ENV_KEYS, PROFILE_KEYS], apiKey: API_KEY });
    dir = await mkdtemp(join(tmpdir(), 'amg-aws-'));
    const credentials = join(dir, 'credentials');
    await writeFile(
      credentials,
      `[default]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other\n\n[bedrock-prod]\naws_access_key_id = ${PROFILE_KEYS.accessKeyId}\naws_secret_access_key = ${PROFILE_KEYS.secretAccessKey}\naws_session_token = ${PROFILE_KEYS.sessionToken}\n`,
    );
    const provider = (name: string, extra: Record<string, unknown>) => ({
      name,
      type: 'bedrock',
      base_url: fake.endpoint,
      allow_private_network: true,
      ...extra,
    });
    gateway = await GatewayHarness.start({
      env: {
        AWS_ACCESS_KEY_ID: ENV_KEYS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ENV_KEYS.secretAccessKey,
        AWS_SESSION_TOKEN: ENV_KEYS.sessionToken,
        AWS_SHARED_CREDENTIALS_FILE: credentials,
        BEDROCK_KEY: API_KEY,
      },
      config: {
        providers: [
          provider('from-env', { aws: { region: 'us-east-1' } }),
          provider('from-profile', { aws: { region: 'us-east-1', profile: 'bedrock-prod' } }),
          provider('api-key', { api_key: '${BEDROCK_KEY}' }),
        ],
        models: ['from-env', 'from-profile', 'api-key'].map((name) => ({
          name,
          targets: [{ provider: name, model: 'amazon.nova-pro-v1:0' }],
        })),
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['from-env', `Credential=${ENV_KEYS.accessKeyId}/`],
    ['from-profile', `Credential=${PROFILE_KEYS.accessKeyId}/`],
    ['api-key', `Bearer ${API_KEY}`],
  ])('%s: the request is accepted, signed or carrying the key', async (model, authorization) => {
    fake.enqueue({ kind: 'reply', text: `served ${model}` });
    const answer = await gateway
      .openai()
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]?.message.content).toBe(`served ${model}`);
    const request = fake.chatRequests().at(-1);
    expect(request?.path).toBe('/model/amazon.nova-pro-v1%3A0/converse');
    expect(String(request?.headers.authorization)).toContain(authorization);
    if (model === 'from-env') expect(request?.headers['x-amz-security-token']).toBe(ENV_KEYS.sessionToken);
    if (model === 'from-profile') expect(request?.headers['x-amz-security-token']).toBe(PROFILE_KEYS.sessionToken);
  });

  it.each([
    ['from-env', ENV_KEYS],
    ['from-profile', PROFILE_KEYS],
  ])(
    '%s: redacts the session token, the one AWS secret that travels, where an upstream quotes it',
    async (model, keys) => {
      fake.enqueue({
        kind: 'error',
        status: 400,
        exception: 'ValidationException',
        message: `The security token ${keys.sessionToken} is malformed`,
      });
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      });
      const text = await response.text();
      expect(response.status).toBe(400);
      expect(text).toContain('The security token <redacted> is malformed');
      expect(text).not.toContain(keys.sessionToken);
      // The request record keeps the upstream's message, scrubbed.
      const records = JSON.stringify(await gateway.records());
      expect(records).toContain('The security token <redacted> is malformed');
      expect(records).not.toContain(keys.sessionToken);
    },
  );

  it.each([
    ['ahead of', 10 * 60_000],
    ['behind', -10 * 60_000],
  ])(
    "from-env: a gateway clock 10 minutes %s AWS's signs again at AWS's time (the Date it answered) and is served",
    async (_, offset) => {
      // AWS refuses a signature more than 5 minutes off its own time (403 InvalidSignatureException, "Signature
      // expired" / "not yet current"); the AWS SDKs correct their clock from the answer's Date and sign again.
      fake.clockOffsetMs = -offset;
      try {
        for (const text of ['first', 'second']) {
          fake.enqueue({ kind: 'reply', text });
          const answer = await gateway
            .openai()
            .chat.completions.create({ model: 'from-env', messages: [{ role: 'user', content: 'hi' }] });
          expect(answer.choices[0]?.message.content).toBe(text);
        }
        const [second, first] = await gateway.records(2);
        expect(first?.attempts).toEqual([expect.objectContaining({ status: 200, tokenRenewed: true })]);
        // The offset is kept: the next request is signed at AWS's time at once.
        expect(second?.attempts).toEqual([expect.not.objectContaining({ tokenRenewed: true })]);
      } finally {
        fake.clockOffsetMs = 0;
      }
      // Back in step: signed at this machine's time again, once AWS's Date says so.
      fake.enqueue({ kind: 'reply', text: 'third' });
      const third = await gateway
        .openai()
        .chat.completions.create({ model: 'from-env', messages: [{ role: 'user', content: 'hi' }] });
      expect(third.choices[0]?.message.content).toBe('third');
    },
  );

  it('never lets a credential reach the status page', async () => {
    const status = await gateway.admin('GET', '/status');
    const text = JSON.stringify(status.body);
    for (const secret of [ENV_KEYS.secretAccessKey, PROFILE_KEYS.secretAccessKey, PROFILE_KEYS.sessionToken, API_KEY]) {
      expect(text).not.toContain(secret);
    }
  });
});
