import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from './gateway-harness.js';

/** The gateway models of TwoUpstreams and the upstream models they rewrite to. */
export const VIA = {
  openai: { name: 'via-openai', upstream: 'gpt-upstream-1' },
  anthropic: { name: 'via-anthropic', upstream: 'claude-sonnet-4-6' },
} as const;

/**
 * A gateway in front of one fake of each provider type: `via-openai` routes to the OpenAI-compatible fake and
 * `via-anthropic` to the Anthropic one, without retries. `clients` replaces the default test client.
 */
export class TwoUpstreams {
  private constructor(
    readonly harness: GatewayHarness,
    readonly oai: FakeOpenAI,
    readonly ant: FakeAnthropic,
  ) {}

  static async start(options: { clients?: Array<{ name: string; token: string }> } = {}): Promise<TwoUpstreams> {
    const oai = await FakeOpenAI.start();
    const ant = await FakeAnthropic.start();
    const harness = await GatewayHarness.start({
      config: {
        clients: options.clients ?? [{ name: 'test-client', token: CLIENT_TOKEN }],
        providers: [
          fakeProvider('oai', oai.baseUrl, oai.apiKey, 'openai'),
          fakeProvider('ant', ant.baseUrl, ant.apiKey, 'anthropic'),
        ],
        models: [
          { name: VIA.openai.name, targets: [{ provider: 'oai', model: VIA.openai.upstream }] },
          { name: VIA.anthropic.name, targets: [{ provider: 'ant', model: VIA.anthropic.upstream }] },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
    return new TwoUpstreams(harness, oai, ant);
  }

  /** Forgets what the fakes received, so a case reads only its own requests. */
  reset(): void {
    this.oai.requests.length = 0;
    this.ant.requests.length = 0;
  }

  async close(): Promise<void> {
    await this.harness.close();
    await this.oai.close();
    await this.ant.close();
  }
}
