import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHarness } from '../support/gateway-harness.js';

/**
 * The minimal configs of docs/providers.md, started without any credentials in the environment: each provider
 * is reported as not configured, naming the variables its type reads, and a request to it says the same.
 */
describe('cloud providers without credentials', () => {
  let harness: GatewayHarness;

  beforeAll(async () => {
    harness = await GatewayHarness.start({
      env: {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SESSION_TOKEN: undefined,
        AWS_BEARER_TOKEN_BEDROCK: undefined,
        AWS_PROFILE: undefined,
        // No shared files either, whatever the machine running the tests has in ~/.aws.
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws/credentials',
        AWS_CONFIG_FILE: '/nonexistent/aws/config',
        GOOGLE_APPLICATION_CREDENTIALS: undefined,
        GEMINI_API_KEY: undefined,
        GOOGLE_API_KEY: undefined,
        AZURE_OPENAI_API_KEY: undefined,
      },
      config: {
        providers: [
          { name: 'aws', type: 'bedrock', aws: { region: 'eu-central-1' } },
          { name: 'gcp', type: 'vertex', vertex: { project: 'my-project', location: 'us-east5' } },
          { name: 'google', type: 'gemini' },
          { name: 'azure', type: 'azure-openai', base_url: 'https://my-resource.openai.azure.com' },
        ],
        models: [
          { name: 'claude', targets: [{ provider: 'aws', model: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' }] },
          { name: 'gemini-pro', targets: [{ provider: 'gcp', model: 'gemini-2.5-pro' }] },
          { name: 'gemini-flash', targets: [{ provider: 'google', model: 'gemini-2.5-flash' }] },
          { name: 'gpt-4o', targets: [{ provider: 'azure', model: 'my-gpt4o-deployment' }] },
        ],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('names the variables each type reads, in the providers API', async () => {
    const providers = await harness.admin('GET', '/providers');
    const missing = Object.fromEntries(
      (providers.body.data as Array<{ name: string; configured: boolean; missing_env: string | null }>).map((p) => [
        p.name,
        [p.configured, p.missing_env],
      ]),
    );
    expect(missing).toEqual({
      aws: [
        false,
        'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or keys for profile "default" in ${AWS_SHARED_CREDENTIALS_FILE} (or AWS_BEARER_TOKEN_BEDROCK for a Bedrock API key)',
      ],
      gcp: [false, 'GOOGLE_APPLICATION_CREDENTIALS'],
      google: [false, 'GOOGLE_API_KEY or GEMINI_API_KEY'],
      azure: [false, 'AZURE_OPENAI_API_KEY'],
    });
  });

  it('tells a client of a Bedrock model which variables to set', async () => {
    const error = (await harness
      .anthropic()
      .messages.create({ model: 'claude', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as { status: number; error: { error: { message: string } } };
    expect(error.status).toBe(503);
    expect(error.error.error.message).toContain(
      'provider "aws" has no credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or keys for profile "default" in /nonexistent/aws/credentials (or AWS_BEARER_TOKEN_BEDROCK',
    );
    const vertex = (await harness
      .openai()
      .chat.completions.create({ model: 'gemini-pro', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as { status: number; message: string };
    expect(vertex.status).toBe(503);
    expect(vertex.message).toContain('set the environment variable GOOGLE_APPLICATION_CREDENTIALS');
  });
});
