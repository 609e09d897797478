import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeAzureOpenAI } from '../fakes/fake-azure-openai.js';
import { FakeBedrock } from '../fakes/fake-bedrock.js';
import { FakeGemini } from '../fakes/fake-gemini.js';
import { FakeVertex } from '../fakes/fake-vertex.js';
import { fakeBedrockProvider, fakeProvider, GatewayHarness } from './gateway-harness.js';

/** SigV4 keys the Bedrock fake accepts, with a session token as temporary credentials carry. */
export const CLOUD_BEDROCK_KEYS = {
  accessKeyId: 'AKIACLOUDGATEWAY0001',
  secretAccessKey: 'cloud-gateway-bedrock-secret-0123456789',
  sessionToken: 'cloud-gateway-session-token',
};

/** Gateway models, one per cloud provider type, and the upstream model each one's single target names. */
export const CLOUD_MODELS = {
  azure: { name: 'on-azure', provider: 'az', upstream: 'gpt4o-deployment' },
  gemini: { name: 'on-gemini', provider: 'gem', upstream: 'gemini-2.5-flash' },
  vertex: { name: 'on-vertex', provider: 'vx', upstream: 'gemini-2.5-pro' },
  bedrock: { name: 'on-bedrock', provider: 'bed', upstream: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
} as const;

/**
 * One gateway in front of a fake of each cloud provider type (Azure OpenAI, Gemini, Vertex with a service
 * account's tokens, Bedrock with SigV4), for observability tests that check each type's metrics, spans and
 * log lines. `config` is merged over the providers and models (routing, telemetry, log, metrics).
 */
export class CloudGateway {
  private constructor(
    readonly harness: GatewayHarness,
    readonly azure: FakeAzureOpenAI,
    readonly gemini: FakeGemini,
    readonly vertex: FakeVertex,
    readonly bedrock: FakeBedrock,
    private readonly dir: string,
  ) {}

  static async start(config: Record<string, unknown> = {}, env: Record<string, string | undefined> = {}) {
    const azure = await FakeAzureOpenAI.start({ apiKey: 'azure-cloud-gateway-key-0123' });
    const gemini = await FakeGemini.start();
    const vertex = await FakeVertex.start();
    const bedrock = await FakeBedrock.start({ keys: [CLOUD_BEDROCK_KEYS] });
    const dir = await mkdtemp(join(tmpdir(), 'amg-cloud-gateway-'));
    const keyFile = join(dir, 'service-account.json');
    await writeFile(keyFile, JSON.stringify({ type: 'service_account', ...vertex.serviceAccount }));
    const harness = await GatewayHarness.start({
      env: { GOOGLE_APPLICATION_CREDENTIALS: keyFile, ...env },
      config: {
        providers: [
          // A deployment name is the operator's own: priced as the model it deploys, as the docs show.
          {
            ...fakeProvider('az', azure.endpoint, azure.apiKey, 'azure-openai'),
            pricing: { [CLOUD_MODELS.azure.upstream]: { same_as: 'gpt-4o' } },
          },
          fakeProvider('gem', gemini.baseUrl, gemini.apiKey, 'gemini'),
          {
            name: 'vx',
            type: 'vertex',
            base_url: vertex.endpoint,
            allow_private_network: true,
            vertex: { project: vertex.project, location: vertex.location },
          },
          fakeBedrockProvider('bed', bedrock.endpoint, CLOUD_BEDROCK_KEYS),
        ],
        models: Object.values(CLOUD_MODELS).map(({ name, provider, upstream }) => ({
          name,
          targets: [{ provider, model: upstream }],
        })),
        ...config,
      },
    });
    return new CloudGateway(harness, azure, gemini, vertex, bedrock, dir);
  }

  /** Forgets what the fakes received. */
  reset(): void {
    for (const fake of [this.azure.server, this.gemini.server, this.vertex.server, this.bedrock.server]) {
      fake.requests.length = 0;
    }
  }

  async close(): Promise<void> {
    await this.harness.close();
    await Promise.all([this.azure.close(), this.gemini.close(), this.vertex.close(), this.bedrock.close()]);
    await rm(this.dir, { recursive: true, force: true });
  }
}
