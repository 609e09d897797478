import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAzureOpenAI } from './fake-azure-openai.js';

const ENTRA = { tenantId: 'tenant-1', clientId: 'app-1', clientSecret: 'entra-secret-value-123' };

async function entraToken(fake: FakeAzureOpenAI): Promise<string> {
  const response = await fetch(fake.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: ENTRA.clientId,
      client_secret: ENTRA.clientSecret,
      scope: 'https://cognitiveservices.azure.com/.default',
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** The official openai SDK's AzureOpenAI client pointed straight at the fake: proves the fake speaks Azure. */
describe('FakeAzureOpenAI read by the official AzureOpenAI client', () => {
  let keyed: FakeAzureOpenAI;
  let entra: FakeAzureOpenAI;
  const messages = [{ role: 'user' as const, content: 'hi' }];

  beforeAll(async () => {
    keyed = await FakeAzureOpenAI.start({ apiKey: 'azure-key-0123456789' });
    entra = await FakeAzureOpenAI.start({ entra: ENTRA });
  });
  afterAll(async () => {
    await keyed.close();
    await entra.close();
  });

  it('accepts a deployment request with api-version and api-key, and its answer parses', async () => {
    const client = new AzureOpenAI({
      endpoint: keyed.endpoint,
      apiKey: keyed.apiKey,
      apiVersion: '2024-10-21',
      deployment: 'gpt4o-prod',
      maxRetries: 0,
    });
    keyed.enqueue({ kind: 'reply', text: 'hello from azure' });
    const answer = await client.chat.completions.create({ model: 'gpt4o-prod', messages });
    expect(answer.choices[0]?.message.content).toBe('hello from azure');
    const request = keyed.requests.at(-1);
    expect(request?.path).toBe('/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21');
    expect(request?.headers['api-key']).toBe(keyed.apiKey);
  });

  it('streams to the SDK on a deployment path', async () => {
    const client = new AzureOpenAI({
      endpoint: keyed.endpoint,
      apiKey: keyed.apiKey,
      apiVersion: '2024-10-21',
      deployment: 'gpt4o-prod',
      maxRetries: 0,
    });
    keyed.enqueue({ kind: 'reply', text: 'streamed words', chunkSize: 4 });
    const stream = await client.chat.completions.create({ model: 'gpt4o-prod', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('streamed words');
  });

  it('refuses a wrong key with Azure 401 body, which the SDK raises as an AuthenticationError', async () => {
    const client = new AzureOpenAI({
      endpoint: keyed.endpoint,
      apiKey: 'wrong-key',
      apiVersion: '2024-10-21',
      deployment: 'gpt4o-prod',
      maxRetries: 0,
    });
    const error = await client.chat.completions.create({ model: 'gpt4o-prod', messages }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: '401' });
    expect((error as Error).message).toContain('Access denied');
  });

  it('accepts an Entra bearer token from its token endpoint and refuses a made-up one', async () => {
    const client = new AzureOpenAI({
      endpoint: entra.endpoint,
      apiVersion: '2024-10-21',
      deployment: 'gpt4o-prod',
      azureADTokenProvider: () => entraToken(entra),
      maxRetries: 0,
    });
    entra.enqueue({ kind: 'reply', text: 'token accepted' });
    const answer = await client.chat.completions.create({ model: 'gpt4o-prod', messages });
    expect(answer.choices[0]?.message.content).toBe('token accepted');
    const forged = new AzureOpenAI({
      endpoint: entra.endpoint,
      apiVersion: '2024-10-21',
      deployment: 'gpt4o-prod',
      azureADTokenProvider: async () => 'eyJ0eXAiOiJKV1Qi.forged.sig',
      maxRetries: 0,
    });
    await expect(forged.chat.completions.create({ model: 'gpt4o-prod', messages })).rejects.toMatchObject({
      status: 401,
    });
  });

  it('answers a content-filtered prompt with the 400 the SDK raises as a BadRequestError coded content_filter', async () => {
    const client = new AzureOpenAI({
      endpoint: keyed.endpoint,
      apiKey: keyed.apiKey,
      apiVersion: '2024-10-21',
      deployment: 'gpt4o-prod',
      maxRetries: 0,
    });
    keyed.enqueue(FakeAzureOpenAI.contentFilterError());
    await expect(client.chat.completions.create({ model: 'gpt4o-prod', messages })).rejects.toMatchObject({
      status: 400,
      code: 'content_filter',
      param: 'prompt',
    });
  });

  it('serves the /openai/v1 surface to the plain OpenAI client, the deployment as model', async () => {
    // Microsoft documents the v1 surface with the OpenAI client itself; AzureOpenAI adds deployment paths.
    const client = new OpenAI({ baseURL: `${keyed.endpoint}/openai/v1`, apiKey: keyed.apiKey, maxRetries: 0 });
    keyed.enqueue({ kind: 'reply', text: 'v1 surface' });
    const answer = await client.chat.completions.create({ model: 'gpt4o-prod', messages });
    expect(answer.choices[0]?.message.content).toBe('v1 surface');
    expect(keyed.requests.at(-1)?.path).toBe('/openai/v1/chat/completions');
    expect((keyed.requests.at(-1)?.body as { model?: string } | undefined)?.model).toBe('gpt4o-prod');
  });
});
