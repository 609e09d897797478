import { FakeAzureOpenAI } from '../../fakes/fake-azure-openai.js';
import { FakeBedrock } from '../../fakes/fake-bedrock.js';
import { FakeGemini } from '../../fakes/fake-gemini.js';
import type { RecordedRequest } from '../../fakes/fake-server.js';
import { FakeVertex } from '../../fakes/fake-vertex.js';
import { fakeProvider } from '../../support/gateway-harness.js';
import { chatTurn, converseTurn, geminiTurn } from './conversation.js';

/** SigV4 keys of the Bedrock fake, with a session token as temporary credentials carry. */
export const AWS_KEYS = {
  accessKeyId: 'AKIAAGENTSBEDROCK001',
  secretAccessKey: 'agents-bedrock-secret-key-0123456789',
  sessionToken: 'agents-session-token',
};

/** The upstream model each cloud route rewrites the agent's model name to. */
export const CLOUD_TARGETS = {
  gemini: 'gemini-3-pro-preview',
  'vertex-gemini': 'gemini-2.5-pro',
  'bedrock-claude': 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  'bedrock-nova': 'us.amazon.nova-2-lite-v1:0',
  azure: 'gpt-5-deployment',
} as const;

export type Cloud = keyof typeof CLOUD_TARGETS;

/**
 * The cloud providers' fakes, each following the conversation (conversation.ts) in its own wire format:
 * the Gemini API, Gemini on Vertex AI (service-account token), Bedrock Converse (SigV4 with a session
 * token) and an Azure OpenAI deployment (api-key). The provider entries are the few lines a user writes.
 */
export class CloudFakes {
  private constructor(
    readonly gemini: FakeGemini,
    readonly vertex: FakeVertex,
    readonly bedrock: FakeBedrock,
    readonly azure: FakeAzureOpenAI,
  ) {}

  static async start(): Promise<CloudFakes> {
    const gemini = (await FakeGemini.start()).respondWith(geminiTurn);
    const vertex = await FakeVertex.start();
    vertex.gemini.respondWith(geminiTurn);
    const bedrock = (await FakeBedrock.start({ keys: [AWS_KEYS] })).respondWith(converseTurn);
    const azure = (await FakeAzureOpenAI.start({ apiKey: 'azure-agents-key-0123' })).respondWith(chatTurn);
    return new CloudFakes(gemini, vertex, bedrock, azure);
  }

  /** The gateway's provider entries for these fakes. */
  providers(): unknown[] {
    return [
      fakeProvider('gem', this.gemini.baseUrl, this.gemini.apiKey, 'gemini'),
      this.vertex.providerEntry('vxg'),
      {
        name: 'bed',
        type: 'bedrock',
        base_url: this.bedrock.endpoint,
        allow_private_network: true,
        aws: {
          region: 'us-east-1',
          access_key_id: AWS_KEYS.accessKeyId,
          secret_access_key: AWS_KEYS.secretAccessKey,
          session_token: AWS_KEYS.sessionToken,
        },
      },
      fakeProvider('az', this.azure.endpoint, this.azure.apiKey, 'azure-openai'),
    ];
  }

  /** The provider name of each cloud route in `providers()`. */
  static providerOf(cloud: Cloud): string {
    return { gemini: 'gem', 'vertex-gemini': 'vxg', 'bedrock-claude': 'bed', 'bedrock-nova': 'bed', azure: 'az' }[
      cloud
    ];
  }

  /** The chat requests a cloud route's fake received, oldest first. */
  requests(cloud: Cloud): RecordedRequest[] {
    const target = CLOUD_TARGETS[cloud];
    switch (cloud) {
      case 'gemini':
        return this.gemini.chatRequests();
      case 'vertex-gemini':
        return this.vertex.chatRequests('google');
      case 'bedrock-claude':
      case 'bedrock-nova':
        return this.bedrock.chatRequests().filter((r) => r.path.startsWith(`/model/${encodeURIComponent(target)}/`));
      case 'azure':
        return this.azure.deploymentRequests(target);
    }
  }

  async close(): Promise<void> {
    await this.gemini.close();
    await this.vertex.close();
    await this.bedrock.close();
    await this.azure.close();
  }
}
