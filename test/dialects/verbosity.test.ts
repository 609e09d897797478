import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';

/**
 * Codex sends `text.verbosity: "low"` for gpt-5.5. Toward a Chat Completions upstream it used to be dropped,
 * though OpenAI's Chat Completions takes a top-level `verbosity` for the gpt-5 family: it now goes there for
 * those models on `type: openai` providers (OpenAI, OpenRouter), and is dropped and reported elsewhere (models
 * before gpt-5, codex models, which take only `medium`, Azure, Gemini, Anthropic); strict translation refuses it.
 */

const VERBOSE = {
  gpt55: { name: 'verbose-gpt-5.5', provider: 'oai', model: 'gpt-5.5' },
  openrouter: { name: 'verbose-openrouter', provider: 'oai', model: 'openai/gpt-5-mini' },
  gpt4o: { name: 'verbose-gpt-4o', provider: 'oai', model: 'gpt-4o' },
  codex: { name: 'verbose-codex', provider: 'oai', model: 'gpt-5.1-codex' },
  azure: { name: 'verbose-azure', provider: 'az', model: 'gpt-5' },
  strict: { name: 'verbose-strict', provider: 'oai', model: 'gpt-4o', translation: 'strict' },
};

describe('verbosity toward Chat Completions upstreams', () => {
  let gateway: DialectGateway;

  beforeAll(async () => {
    gateway = await DialectGateway.start(
      Object.values(VERBOSE).map(({ name, provider, model, ...rest }) => ({
        name,
        ...rest,
        targets: [{ provider, model }],
      })),
    );
  });
  afterAll(async () => gateway?.close());
  beforeEach(() => gateway.reset());

  /** A Codex-like Responses request; what the upstream got and what the gateway reported dropped. */
  async function codex(model: string) {
    const { response } = await gateway.harness
      .openai()
      .responses.create({ model, input: 'Hi', text: { verbosity: 'low' } })
      .withResponse();
    return { dropped: response.headers.get('x-gateway-dropped') };
  }

  const sentTo = (upstream: 'openai' | 'azure') =>
    (upstream === 'openai' ? gateway.openaiUpstream : gateway.azureUpstream).requests.at(-1)?.body as Record<
      string,
      unknown
    >;

  it("sends Codex's text.verbosity to gpt-5.5 as Chat's verbosity, and through OpenRouter's name", async () => {
    expect(await codex(VERBOSE.gpt55.name)).toEqual({ dropped: null });
    expect(sentTo('openai')).toMatchObject({ model: 'gpt-5.5', verbosity: 'low' });
    expect(await codex(VERBOSE.openrouter.name)).toEqual({ dropped: null });
    expect(sentTo('openai')).toMatchObject({ model: 'openai/gpt-5-mini', verbosity: 'low' });
  });

  it('drops it and says so for a model before gpt-5, a codex model and an Azure deployment', async () => {
    for (const [target, upstream] of [
      [VERBOSE.gpt4o, 'openai'],
      [VERBOSE.codex, 'openai'],
      [VERBOSE.azure, 'azure'],
    ] as const) {
      expect(await codex(target.name)).toEqual({ dropped: 'text.verbosity' });
      expect(sentTo(upstream)).not.toHaveProperty('verbosity');
    }
  });

  it("drops a Chat client's verbosity toward Gemini, and refuses it for a strict model", async () => {
    const { response } = await gateway.harness
      .openai()
      .chat.completions.create({
        model: MODELS.gemini.name,
        messages: [{ role: 'user', content: 'Hi' }],
        verbosity: 'high',
      })
      .withResponse();
    expect(response.headers.get('x-gateway-dropped')).toBe('verbosity');
    const refusal = await gateway.harness
      .openai()
      .responses.create({ model: VERBOSE.strict.name, input: 'Hi', text: { verbosity: 'low' } })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refusal as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('text.verbosity');
    expect(gateway.openaiUpstream.requests).toHaveLength(0);
  });
});
