import { afterAll, beforeAll } from 'vitest';
import { GatewayHarness } from './gateway-harness.js';
import { type ScriptedUpstream, scriptedUpstream } from './scripted-upstream.js';

export interface ScriptedGateway {
  upstream: ScriptedUpstream;
  gateway: GatewayHarness;
  close(): Promise<void>;
}

/**
 * A gateway whose every provider is one scripted upstream, for wire-level answers the protocol fakes do not
 * produce. Models `oa` (OpenAI), `gem` (Gemini), `an` (Anthropic) and `az` (Azure with its Responses API) each
 * route to the provider of that name; one attempt, short first-byte and idle limits.
 */
export async function scriptedGateway(): Promise<ScriptedGateway> {
  const upstream = await scriptedUpstream();
  const provider = (name: string, type: string, baseUrl: string) => ({
    name,
    type,
    base_url: baseUrl,
    api_key: 'upstream-key-0123456789',
    allow_private_network: true,
  });
  const gateway = await GatewayHarness.start({
    config: {
      providers: [
        provider('oa', 'openai', `${upstream.origin}/v1`),
        provider('gem', 'gemini', upstream.origin),
        provider('an', 'anthropic', upstream.origin),
        { ...provider('az', 'azure-openai', `${upstream.origin}/openai/v1`), responses_api: true },
      ],
      models: [
        { name: 'oa', targets: [{ provider: 'oa', model: 'm' }] },
        { name: 'gem', targets: [{ provider: 'gem', model: 'gemini-x' }] },
        { name: 'an', targets: [{ provider: 'an', model: 'claude-x' }] },
        { name: 'az', targets: [{ provider: 'az', model: 'm' }] },
      ],
      routing: { retries: { max_attempts: 1 }, timeout: { first_byte_ms: 2_000, idle_stream_ms: 2_000 } },
    },
  });
  return {
    upstream,
    gateway,
    close: async () => {
      await gateway.close();
      await upstream.close();
    },
  };
}

/** A scripted gateway started before the suite's tests and closed after them (its fields are set once started). */
export function useScriptedGateway(): ScriptedGateway {
  const scripted = {} as ScriptedGateway;
  beforeAll(async () => {
    Object.assign(scripted, await scriptedGateway());
  });
  afterAll(() => scripted.close());
  return scripted;
}
