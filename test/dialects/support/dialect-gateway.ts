import type { RequestRecord } from '../../../src/telemetry/request-record.js';
import { FakeAnthropic } from '../../fakes/fake-anthropic.js';
import { FakeAzureOpenAI } from '../../fakes/fake-azure-openai.js';
import { FakeBedrock } from '../../fakes/fake-bedrock.js';
import { FakeGemini } from '../../fakes/fake-gemini.js';
import { FakeOpenAI } from '../../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../../support/gateway-harness.js';

/** Gateway model names and the upstream models their one target rewrites them to. */
export const MODELS = {
  openai: { name: 'gpt-dialect', upstream: 'gpt-upstream-1' },
  anthropic: { name: 'claude-dialect', upstream: 'claude-sonnet-4-6' },
  azure: { name: 'azure-dialect', upstream: 'gpt4o-deployment' },
  gemini: { name: 'gemini-dialect', upstream: 'gemini-3-pro-preview' },
  bedrock: { name: 'bedrock-dialect', upstream: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
} as const;

/** SigV4 keys of the Bedrock fake, with a session token as temporary credentials carry. */
export const BEDROCK_KEYS = {
  accessKeyId: 'AKIADIALECTBEDROCK01',
  secretAccessKey: 'dialect-bedrock-secret-key-0123456789',
  sessionToken: 'dialect-session-token',
};

/**
 * One gateway in front of one fake of each provider type, for tests that drive every client dialect against
 * both. Retries and the circuit breaker are tuned out so that an error case neither repeats nor makes a
 * later case find its target cooling.
 */
export class DialectGateway {
  private seen = 0;

  private constructor(
    readonly harness: GatewayHarness,
    readonly openaiUpstream: FakeOpenAI,
    readonly anthropicUpstream: FakeAnthropic,
    readonly azureUpstream: FakeAzureOpenAI,
    readonly geminiUpstream: FakeGemini,
    readonly bedrockUpstream: FakeBedrock,
  ) {}

  /** `extraModels` are added to the two standard ones (targets name the providers `oai` and `ant`). */
  static async start(extraModels: unknown[] = []): Promise<DialectGateway> {
    const openaiUpstream = await FakeOpenAI.start({ name: 'fake-openai' });
    const anthropicUpstream = await FakeAnthropic.start({ name: 'fake-anthropic' });
    const azureUpstream = await FakeAzureOpenAI.start({ apiKey: 'azure-dialect-key-0123' });
    const geminiUpstream = await FakeGemini.start();
    const bedrockUpstream = await FakeBedrock.start({ keys: [BEDROCK_KEYS] });
    const harness = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('oai', openaiUpstream.baseUrl, openaiUpstream.apiKey, 'openai'),
          fakeProvider('ant', anthropicUpstream.baseUrl, anthropicUpstream.apiKey, 'anthropic'),
          fakeProvider('az', azureUpstream.endpoint, azureUpstream.apiKey, 'azure-openai'),
          fakeProvider('gem', geminiUpstream.baseUrl, geminiUpstream.apiKey, 'gemini'),
          {
            name: 'bed',
            type: 'bedrock',
            base_url: bedrockUpstream.endpoint,
            allow_private_network: true,
            aws: {
              region: 'us-east-1',
              access_key_id: BEDROCK_KEYS.accessKeyId,
              secret_access_key: BEDROCK_KEYS.secretAccessKey,
              session_token: BEDROCK_KEYS.sessionToken,
            },
          },
        ],
        models: [
          { name: MODELS.openai.name, targets: [{ provider: 'oai', model: MODELS.openai.upstream }] },
          { name: MODELS.anthropic.name, targets: [{ provider: 'ant', model: MODELS.anthropic.upstream }] },
          { name: MODELS.azure.name, targets: [{ provider: 'az', model: MODELS.azure.upstream }] },
          { name: MODELS.gemini.name, targets: [{ provider: 'gem', model: MODELS.gemini.upstream }] },
          { name: MODELS.bedrock.name, targets: [{ provider: 'bed', model: MODELS.bedrock.upstream }] },
          ...extraModels,
        ],
        routing: {
          retries: { max_attempts: 1 },
          cooldown: { failures: 10_000, window_s: 1, cooldown_s: 1 },
        },
      },
    });
    return new DialectGateway(
      harness,
      openaiUpstream,
      anthropicUpstream,
      azureUpstream,
      geminiUpstream,
      bedrockUpstream,
    );
  }

  /** Forgets what the fakes received, so a case reads only its own requests. */
  reset(): void {
    this.openaiUpstream.requests.length = 0;
    this.anthropicUpstream.requests.length = 0;
    this.azureUpstream.requests.length = 0;
    this.geminiUpstream.requests.length = 0;
    this.bedrockUpstream.requests.length = 0;
  }

  /**
   * The telemetry record of the last of the `requests` made since the previous call (tests make one request
   * at a time, and the store lists records newest first).
   */
  async nextRecord(requests = 1): Promise<RequestRecord> {
    const rows = await this.harness.records(this.seen + requests);
    if (rows.length < this.seen + requests) throw new Error(`expected ${requests} new telemetry records`);
    this.seen = rows.length;
    return rows[0] as RequestRecord;
  }

  /** Marks every record written so far as seen. */
  async skipRecords(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.seen = (await this.harness.records(0)).length;
  }

  async close(): Promise<void> {
    await this.harness.close();
    await this.openaiUpstream.close();
    await this.anthropicUpstream.close();
    await this.azureUpstream.close();
    await this.geminiUpstream.close();
    await this.bedrockUpstream.close();
  }
}
