import { afterAll, beforeAll } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from './gateway-harness.js';

/** A gateway in front of one fake OpenAI upstream, for the tests of one describe block. */
export interface OneUpstream {
  readonly upstream: FakeOpenAI;
  readonly harness: GatewayHarness;
}

/**
 * Starts a gateway over one FakeOpenAI upstream (provider `primary`, model `chat` served as `m`) before the
 * describe block's tests and closes both after them. `config` adds to that or replaces parts of it (a `models`
 * of its own, `routing`, `server`, …). Read `upstream` and `harness` inside hooks and tests: they are set once
 * the block starts.
 */
export function withOneUpstream(config: Record<string, unknown> = {}): OneUpstream {
  const setup = {} as { upstream: FakeOpenAI; harness: GatewayHarness };
  beforeAll(async () => {
    setup.upstream = await FakeOpenAI.start();
    setup.harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', setup.upstream.baseUrl)],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
        ...config,
      },
    });
  });
  afterAll(async () => {
    await setup.harness?.close();
    await setup.upstream?.close();
  });
  return setup;
}

/** What `work` was rejected with, or undefined when it resolved: for a test that expects a refusal's fields. */
export async function rejectionOf(work: Promise<unknown>): Promise<{ status?: number; message?: string } | undefined> {
  return work.then(
    () => undefined,
    (error: unknown) => error as { status?: number; message?: string },
  );
}

/**
 * Reads a Chat Completions stream (the openai SDK's) until it fails, as a stream the gateway cuts does: the
 * text received before, and the error. Throws when the stream ends without one.
 */
export async function textUntilStreamError(
  stream: AsyncIterable<{ choices: Array<{ delta: { content?: string | null } }> }>,
): Promise<{ received: string; error: Error }> {
  let received = '';
  try {
    for await (const chunk of stream) received += chunk.choices[0]?.delta.content ?? '';
  } catch (error) {
    return { received, error: error as Error };
  }
  throw new Error(`the stream ended without an error after ${JSON.stringify(received)}`);
}
