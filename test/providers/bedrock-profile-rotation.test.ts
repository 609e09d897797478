import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBedrock } from '../fakes/fake-bedrock.js';
import type { AwsKey } from '../fakes/sigv4-verify.js';
import { CLIENT_TOKEN, GatewayHarness } from '../support/gateway-harness.js';

const session = (n: number): Required<AwsKey> => ({
  accessKeyId: `ASIASESSIONKEY0000${n}`,
  secretAccessKey: `session-secret-key-${n}-0123456789`,
  sessionToken: `session-token-${n}-abcdefghijklmnop`,
});

/**
 * Session keys in a shared profile are renewed under a running gateway (aws sso login, a credential_process
 * wrapper rewriting ~/.aws/credentials). The gateway must sign with the new keys, not the expired ones.
 */
describe('bedrock keys from a shared profile that is rotated', () => {
  let fake: FakeBedrock;
  let dir: string;
  let file: string;
  let gateway: GatewayHarness;

  /** Writes the profile as the AWS CLI does: a new file renamed over the old one. */
  async function writeProfile(key: Required<AwsKey>): Promise<void> {
    const next = `${file}.tmp`;
    await writeFile(
      next,
      `[default]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other\n\n[sso-dev]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\naws_session_token = ${key.sessionToken}\n`,
    );
    await rename(next, file);
  }

  async function ask(): Promise<{ status: number; text: string }> {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'nova', messages: [{ role: 'user', content: 'hi' }] }),
    });
    return { status: response.status, text: await response.text() };
  }

  const signedWith = () => /Credential=([^/]+)\//.exec(String(fake.chatRequests().at(-1)?.headers.authorization))?.[1];

  beforeAll(async () => {
    fake = await FakeBedrock.start({ keys: [session(1)] });
    dir = await mkdtemp(join(tmpdir(), 'amg-aws-rotate-'));
    file = join(dir, 'credentials');
    await writeProfile(session(1));
    gateway = await GatewayHarness.start({
      env: { AWS_SHARED_CREDENTIALS_FILE: file, AWS_PROFILE: 'sso-dev' },
      config: {
        providers: [
          {
            name: 'aws',
            type: 'bedrock',
            base_url: fake.endpoint,
            allow_private_network: true,
            aws: { region: 'us-east-1' },
          },
        ],
        models: [{ name: 'nova', targets: [{ provider: 'aws', model: 'amazon.nova-pro-v1:0' }] }],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a request sent with just-expired keys: the 403 ExpiredToken has the file read and the request signed again', async () => {
    expect((await ask()).status).toBe(200);
    expect(signedWith()).toBe(session(1).accessKeyId);

    fake.rotate(session(1).accessKeyId, session(2));
    await writeProfile(session(2));
    const answer = await ask();
    expect(answer.status, answer.text).toBe(200);
    const [refused, resent] = fake.chatRequests().slice(-2);
    expect(String(refused?.headers.authorization)).toContain(`Credential=${session(1).accessKeyId}/`);
    expect(String(resent?.headers.authorization)).toContain(`Credential=${session(2).accessKeyId}/`);
    expect(resent?.headers['x-amz-security-token']).toBe(session(2).sessionToken);
  });

  it('signs with a rewritten profile within seconds, before the old keys are refused', async () => {
    // The old keys stay valid: only noticing the changed file moves the gateway to the new ones.
    fake.rotate('none', session(3));
    await writeProfile(session(3));
    const deadline = Date.now() + 8_000;
    let requests = 0;
    while (signedWith() !== session(3).accessKeyId && Date.now() < deadline) {
      expect((await ask()).status).toBe(200);
      requests += 1;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(signedWith()).toBe(session(3).accessKeyId);
    expect(requests).toBeGreaterThan(0);
  });

  it('redacts the rotated session token where the upstream quotes it back', async () => {
    fake.enqueue({
      kind: 'error',
      status: 400,
      exception: 'ValidationException',
      message: `The security token ${session(3).sessionToken} is malformed`,
    });
    const answer = await ask();
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('The security token <redacted> is malformed');
    expect(answer.text).not.toContain(session(3).sessionToken);
  });

  it('takes a refusal as final within a minute of a refusal-driven read: the client gets its 502 after one send', async () => {
    // The first test's refusal had the file read a moment ago; the file holds nothing newer now.
    fake.rotate(session(3).accessKeyId, session(4));
    for (let i = 0; i < 2; i += 1) {
      const started = fake.chatRequests().length;
      const answer = await ask();
      // The gateway's own credentials were refused: a 502 to the client, not the upstream's 403.
      expect(answer.status, answer.text).toBe(502);
      expect(fake.chatRequests().length - started).toBe(1);
    }
  });
});
