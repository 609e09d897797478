import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from './gateway-harness.js';

/**
 * A gateway that traces every request (ratio 1, OTLP protobuf) to the collector at `collectorUrl` (or as the
 * OTEL_* variables in `env` say, when it is undefined), serving one model from an OpenAI fake, with /metrics open:
 * for tests of how exports to a misbehaving collector go.
 */
export async function startTracedGateway(
  collectorUrl: string | undefined,
  env: Record<string, string> = {},
): Promise<{ harness: GatewayHarness; upstream: FakeOpenAI; close(): Promise<void> }> {
  const upstream = await FakeOpenAI.start({ apiKey: 'sk-up' });
  const harness = await GatewayHarness.start({
    config: {
      providers: [fakeProvider('primary', upstream.baseUrl, 'sk-up')],
      models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
      ...(collectorUrl === undefined ? {} : { telemetry: { otlp: { endpoint: collectorUrl, sample_ratio: 1 } } }),
      metrics: { allow_unauthenticated: true },
    },
    env: { AMG_LOG_LEVEL: undefined, ...env },
  });
  return {
    harness,
    upstream,
    async close() {
      await harness.close().catch(() => undefined);
      await upstream.close();
    },
  };
}
