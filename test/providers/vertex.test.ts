import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeVertex } from '../fakes/fake-vertex.js';
import { CLIENT_TOKEN, GatewayHarness } from '../support/gateway-harness.js';

/** Vertex AI behind the gateway: Gemini and Claude models, a service account's tokens, every client dialect. */
describe('vertex provider', () => {
  let fake: FakeVertex;
  let gateway: GatewayHarness;
  let dir: string;

  beforeAll(async () => {
    fake = await FakeVertex.start();
    dir = await mkdtemp(join(tmpdir(), 'amg-vertex-'));
    const keyFile = join(dir, 'service-account.json');
    await writeFile(keyFile, JSON.stringify({ type: 'service_account', ...fake.serviceAccount }));
    gateway = await GatewayHarness.start({
      env: { GOOGLE_APPLICATION_CREDENTIALS: keyFile },
      config: {
        providers: [
          {
            name: 'vx',
            type: 'vertex',
            base_url: fake.endpoint,
            allow_private_network: true,
            // No service account named: GOOGLE_APPLICATION_CREDENTIALS points at the key file.
            vertex: { project: fake.project, location: fake.location },
          },
        ],
        models: [
          { name: 'gemini-vx', targets: [{ provider: 'vx', model: 'gemini-2.5-pro' }] },
          { name: 'claude-vx', targets: [{ provider: 'vx', model: 'claude-sonnet-4-5@20250929' }] },
          { name: 'embed-vx', targets: [{ provider: 'vx', model: 'text-embedding-005' }] },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves an OpenAI client from Gemini on Vertex with a token from the service account', async () => {
    fake.gemini.enqueue({ kind: 'reply', text: 'Gemini on Vertex.', usage: { prompt: 7, candidates: 3 } });
    const answer = await gateway
      .openai()
      .chat.completions.create({ model: 'gemini-vx', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]?.message.content).toBe('Gemini on Vertex.');
    expect(answer.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 3 });
    const request = fake.chatRequests('google').at(-1);
    expect(request?.path).toBe(
      `/v1/projects/${fake.project}/locations/${fake.location}/publishers/google/models/gemini-2.5-pro:generateContent`,
    );
    expect(request?.headers.authorization).toBe(`Bearer ${fake.issuedTokens[0]}`);
  });

  it('gives Gemini on Vertex the media type of an image or a document given by URL, which Vertex requires', async () => {
    const chat = await gateway.openai().chat.completions.create({
      model: 'gemini-vx',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in the photo?' },
            { type: 'image_url', image_url: { url: 'https://images.example.com/cats/Tabby.JPG?size=large' } },
          ],
        },
      ],
    });
    expect(chat.choices[0]?.finish_reason).toBe('stop');
    const message = await gateway.anthropic().messages.create({
      model: 'gemini-vx',
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'url', url: 'https://docs.example.com/reports/q3' } },
            { type: 'text', text: 'Summarise the report.' },
          ],
        },
      ],
    });
    expect(message.stop_reason).toBe('end_turn');
    const sent = fake
      .chatRequests('google')
      .slice(-2)
      .map((request) => (request.body as { contents: Array<{ parts: Array<{ fileData?: unknown }> }> }).contents[0]);
    expect(sent.map((content) => content?.parts.find((part) => part.fileData)?.fileData)).toEqual([
      { mimeType: 'image/jpeg', fileUri: 'https://images.example.com/cats/Tabby.JPG?size=large' },
      { mimeType: 'application/pdf', fileUri: 'https://docs.example.com/reports/q3' },
    ]);
  });

  it('refuses an image URL whose type Vertex cannot be told, naming the content part, and sends nothing', async () => {
    const before = fake.chatRequests('google').length;
    const error = await gateway
      .openai()
      .chat.completions.create({
        model: 'gemini-vx',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in the photo?' },
              { type: 'image_url', image_url: { url: 'https://images.example.com/photo?id=42' } },
            ],
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, param: 'messages[0].content[1]' });
    expect((error as Error).message).toContain('data: URL');
    expect(fake.chatRequests('google')).toHaveLength(before);
  });

  it("gives Gemini on Vertex an OpenAI client's seed and penalties, which Vertex checks", async () => {
    await gateway.openai().chat.completions.create({
      model: 'gemini-vx',
      messages: [{ role: 'user', content: 'hi' }],
      seed: 3,
      presence_penalty: -1.5,
      frequency_penalty: 1.25,
    });
    const sent = fake.chatRequests('google').at(-1)?.body as { generationConfig?: unknown };
    expect(sent.generationConfig).toEqual({ seed: 3, presencePenalty: -1.5, frequencyPenalty: 1.25 });
  });

  it('passes an Anthropic client through to Claude on Vertex: rawPredict, version in the body, model in the path', async () => {
    fake.anthropic.enqueue({ kind: 'reply', text: 'Claude on Vertex.' });
    const message = await gateway.anthropic().messages.create({
      model: 'claude-vx',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Claude on Vertex.' }]);
    const request = fake.chatRequests('anthropic').at(-1);
    expect(request?.path).toMatch(/publishers\/anthropic\/models\/claude-sonnet-4-5@20250929:rawPredict$/);
    expect(request?.body).toMatchObject({ anthropic_version: 'vertex-2023-10-16', max_tokens: 100 });
    expect(request?.body).not.toHaveProperty('model');
  });

  it('streams Claude on Vertex to an OpenAI client, translated', async () => {
    fake.anthropic.enqueue({ kind: 'reply', text: 'streamed from Claude' });
    const stream = await gateway.openai().chat.completions.create({
      model: 'claude-vx',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('streamed from Claude');
    expect(fake.chatRequests('anthropic').at(-1)?.path).toMatch(/:streamRawPredict$/);
  });

  it('streams Gemini on Vertex to an Anthropic client, and reuses one access token throughout', async () => {
    fake.gemini.enqueue({ kind: 'reply', text: 'Gemini streamed.' });
    const stream = gateway.anthropic().messages.stream({
      model: 'gemini-vx',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect((await stream.finalMessage()).content).toEqual([{ type: 'text', text: 'Gemini streamed.' }]);
    expect(fake.issuedTokens).toHaveLength(1);
  });

  it('drops an access token Vertex refuses before its expiry and sends once more with a fresh one', async () => {
    fake.gemini.enqueue({ kind: 'reply', text: 'warm' });
    await gateway.openai().chat.completions.create({ model: 'gemini-vx', messages: [{ role: 'user', content: 'a' }] });
    const revoked = fake.issuedTokens.at(-1) as string;
    fake.revokedTokens.add(revoked);
    const issued = fake.issuedTokens.length;
    const before = fake.chatRequests('anthropic').length;
    const message = await gateway.anthropic().messages.create({
      model: 'claude-vx',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'after revocation' }],
    });
    expect(message.content[0]?.type).toBe('text');
    expect(fake.issuedTokens).toHaveLength(issued + 1);
    const sent = fake.chatRequests('anthropic').slice(before);
    expect(sent.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${revoked}`,
      `Bearer ${fake.issuedTokens.at(-1)}`,
    ]);
    const [record] = await gateway.records(1);
    expect(record?.attempts).toEqual([expect.objectContaining({ status: 200, tokenRenewed: true })]);
  });

  it('counts tokens for Claude on Vertex at count-tokens:rawPredict, exactly, the model in the body', async () => {
    const counted = await gateway.anthropic().messages.countTokens({
      model: 'claude-vx',
      messages: [{ role: 'user', content: 'how many tokens are in this request?' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    const request = fake.requests.at(-1);
    expect(request?.path).toBe(
      `/v1/projects/${fake.project}/locations/${fake.location}/publishers/anthropic/models/count-tokens:rawPredict`,
    );
    expect(request?.body).toMatchObject({ model: 'claude-sonnet-4-5@20250929' });
    expect(request?.headers.authorization).toMatch(/^Bearer ya29\.fake-vertex-/);
  });

  it('estimates the count for Gemini on Vertex and says so', async () => {
    const before = fake.requests.length;
    const { response } = await gateway
      .anthropic()
      .messages.countTokens({ model: 'gemini-vx', messages: [{ role: 'user', content: 'hi there' }] })
      .withResponse();
    expect(response.headers.get('x-gateway-token-count')).toBe('estimate');
    expect(fake.requests.length).toBe(before);
  });

  it('embeds with a text-embedding model’s :predict, dimensions and usage mapped', async () => {
    const answer = await gateway
      .openai()
      .embeddings.create({ model: 'embed-vx', input: ['one two', 'three'], dimensions: 3, encoding_format: 'float' });
    expect(answer.data.map((d) => d.embedding)).toEqual([
      [0.07, 0.08, 0.09],
      [0.05, 0.06, 0.07],
    ]);
    expect(answer.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    const request = fake.requests.at(-1);
    expect(request?.path).toMatch(/publishers\/google\/models\/text-embedding-005:predict$/);
    expect(request?.body).toEqual({
      instances: [{ content: 'one two' }, { content: 'three' }],
      parameters: { outputDimensionality: 3 },
    });
  });

  it('refuses token-id input with a 400 naming input, and embeddings from a Claude model', async () => {
    await expect(gateway.openai().embeddings.create({ model: 'embed-vx', input: [[1, 2, 3]] })).rejects.toMatchObject({
      status: 400,
      param: 'input',
    });
    await expect(gateway.openai().embeddings.create({ model: 'claude-vx', input: 'hi' })).rejects.toMatchObject({
      status: 400,
    });
  });

  it("answers an Anthropic client in Anthropic's error shape when Vertex itself refuses a Claude request", async () => {
    const quota = {
      status: 429,
      message: 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model',
      googleStatus: 'RESOURCE_EXHAUSTED',
    };
    // Vertex's front answers in Google's shape; Claude's own errors come in Anthropic's.
    fake.platformErrors.push({ status: 404, message: 'Publisher model not found', googleStatus: 'NOT_FOUND' }, quota);
    for (const [status, type] of [
      [404, 'not_found_error'],
      [429, 'rate_limit_error'],
    ] as const) {
      const response = await fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: {
          'x-api-key': CLIENT_TOKEN,
          'anthropic-version': '2023-06-01',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ model: 'claude-vx', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ type: 'error', error: { type } });
    }
    // The exact count goes to Vertex too, and its refusals reach the client in the same shape.
    fake.platformErrors.push({
      status: 400,
      message: 'Invalid resource field value',
      googleStatus: 'INVALID_ARGUMENT',
    });
    const count = await fetch(`${gateway.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'x-api-key': CLIENT_TOKEN, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-vx', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(count.status).toBe(400);
    expect(await count.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'Invalid resource field value' },
    });
    fake.anthropic.enqueue({ kind: 'error', status: 400, message: 'messages: roles must alternate' });
    const claude = (await gateway
      .anthropic()
      .messages.create({ model: 'claude-vx', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as { status: number; error: unknown };
    expect(claude.status).toBe(400);
    expect(claude.error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'messages: roles must alternate' },
    });
  });

  it('relays 403 PERMISSION_DENIED to each client without the access token, even where Vertex quotes it', async () => {
    for (const [model, client] of [
      ['gemini-vx', 'openai'],
      ['claude-vx', 'anthropic'],
    ] as const) {
      // A 403 has the gateway fetch a fresh token and send once more (at most once a minute); that one is
      // refused too. Each message quotes the token its request carried ({token}), as a verbose proxy could.
      const denied = {
        status: 403,
        message: `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${fake.project}/locations/${fake.location}/publishers/google/models/gemini-2.5-pro' (or it may not exist). Credential: Bearer {token}`,
        googleStatus: 'PERMISSION_DENIED',
      };
      fake.platformErrors.push(denied, denied);
      const response =
        client === 'openai'
          ? await fetch(`${gateway.url}/v1/chat/completions`, {
              method: 'POST',
              headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' },
              body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
            })
          : await fetch(`${gateway.url}/v1/messages`, {
              method: 'POST',
              headers: {
                'x-api-key': CLIENT_TOKEN,
                'anthropic-version': '2023-06-01',
                'content-type': 'application/json',
              },
              body: JSON.stringify({ model, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }),
            });
      const text = await response.text();
      // A refusal of a token fetched in the last minute to replace a refused one is final: no second send.
      fake.platformErrors.length = 0;
      expect(response.status, text).toBe(502);
      expect(text).toContain("Permission 'aiplatform.endpoints.predict' denied");
      for (const token of fake.issuedTokens) expect(text).not.toContain(token);
      const records = JSON.stringify(await gateway.records(1));
      for (const token of fake.issuedTokens) expect(records).not.toContain(token);
    }
  });
});
