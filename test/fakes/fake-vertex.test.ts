import { GoogleGenAI } from '@google/genai';
import { OAuth2Client } from 'google-auth-library';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeVertex } from './fake-vertex.js';

/**
 * The official @google/genai SDK in Vertex AI mode pointed at the fake: proves the fake speaks Vertex's paths,
 * auth and answers. The SDK's own token exchange always goes to Google's fixed token URL, so the test does the
 * service-account exchange against the fake (a signed JWT, as the gateway does) and hands the SDK the token.
 */
describe('FakeVertex read by the official @google/genai SDK (vertexai: true)', () => {
  let fake: FakeVertex;
  let ai: GoogleGenAI;

  async function accessToken(): Promise<string> {
    const account = fake.serviceAccount;
    const assertion = await new SignJWT({ scope: 'https://www.googleapis.com/auth/cloud-platform' })
      .setProtectedHeader({ alg: 'RS256', kid: account.private_key_id })
      .setIssuer(account.client_email)
      .setAudience(account.token_uri)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(await importPKCS8(account.private_key, 'RS256'));
    const response = await fetch(account.token_uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  function client(token: string): GoogleGenAI {
    return new GoogleGenAI({
      vertexai: true,
      project: fake.project,
      location: fake.location,
      googleAuthOptions: { authClient: authClientWith(token) },
      httpOptions: { baseUrl: fake.endpoint },
    });
  }

  beforeAll(async () => {
    fake = await FakeVertex.start();
    ai = client(await accessToken());
  });
  afterAll(() => fake.close());

  it('accepts generateContent at the project/location/publisher path with the bearer token', async () => {
    fake.gemini.enqueue({ kind: 'reply', text: 'Paris.', usage: { prompt: 8, candidates: 2, cached: 0, thoughts: 1 } });
    const answer = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Capital of France?' });
    expect(answer.text).toBe('Paris.');
    expect(answer.usageMetadata).toMatchObject({ promptTokenCount: 8, candidatesTokenCount: 2, thoughtsTokenCount: 1 });
    const request = fake.chatRequests('google').at(-1);
    expect(request?.path).toBe(
      `/v1beta1/projects/${fake.project}/locations/${fake.location}/publishers/google/models/gemini-2.5-flash:generateContent`,
    );
    expect(request?.headers.authorization).toBe(`Bearer ${fake.issuedTokens.at(-1)}`);
  });

  it('streams with alt=sse on v1 as well, and the SDK joins the pieces', async () => {
    const v1 = new GoogleGenAI({
      vertexai: true,
      project: fake.project,
      location: fake.location,
      apiVersion: 'v1',
      googleAuthOptions: { authClient: authClientWith(fake.issuedTokens.at(-1) ?? '') },
      httpOptions: { baseUrl: fake.endpoint },
    });
    fake.gemini.enqueue({ kind: 'reply', text: 'one two three', chunkSize: 4 });
    let text = '';
    for await (const chunk of await v1.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'count' }))
      text += chunk.text ?? '';
    expect(text).toBe('one two three');
    expect(fake.chatRequests('google').at(-1)?.path).toMatch(
      /^\/v1\/projects\/.+\/models\/gemini-2\.5-flash:streamGenerateContent\?alt=sse$/,
    );
  });

  it('refuses a token it did not issue with 401 UNAUTHENTICATED, which the SDK raises', async () => {
    await expect(
      client('ya29.not-issued').models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' }),
    ).rejects.toMatchObject({ status: 401, message: expect.stringContaining('UNAUTHENTICATED') });
  });

  it('answers 404 for another project, as Vertex does', async () => {
    const other = new GoogleGenAI({
      vertexai: true,
      project: 'someone-else',
      location: fake.location,
      googleAuthOptions: { authClient: authClientWith(fake.issuedTokens.at(-1) ?? '') },
      httpOptions: { baseUrl: fake.endpoint },
    });
    await expect(other.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' })).rejects.toMatchObject({
      status: 404,
    });
  });

  it("finds a Claude model by its literal '@' version, as Anthropic's Vertex SDK addresses it, and 404s '%40'", async () => {
    // @anthropic-ai/vertex-sdk sets `url.pathname = .../publishers/anthropic/models/${model}:rawPredict`; the
    // WHATWG URL setter leaves '@' as it is, so that is what Vertex receives.
    const url = new URL(fake.endpoint);
    url.pathname = `/v1/projects/${fake.project}/locations/${fake.location}/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict`;
    const post = (target: string) =>
      fetch(target, {
        method: 'POST',
        headers: { authorization: `Bearer ${fake.issuedTokens.at(-1)}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          anthropic_version: 'vertex-2023-10-16',
          max_tokens: 20,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
    fake.anthropic.enqueue({ kind: 'reply', text: 'found' });
    expect(url.pathname).toContain('claude-sonnet-4-5@20250929:rawPredict');
    const found = await post(url.toString());
    expect(found.status).toBe(200);
    expect(((await found.json()) as { model: string }).model).toBe('claude-sonnet-4-5@20250929');
    const escaped = await post(url.toString().replace('@', '%40'));
    expect(escaped.status).toBe(404);
    expect(((await escaped.json()) as { error: { status: string } }).error.status).toBe('NOT_FOUND');
  });
});

/** google-auth-library (the SDK's own auth dependency) holding an access token the fake issued. */
function authClientWith(token: string): OAuth2Client {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return authClient;
}
