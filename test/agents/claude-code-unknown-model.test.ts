import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import type { RecordedRequest } from '../fakes/fake-server.js';
import { FakeVertex } from '../fakes/fake-vertex.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { AGENT_TIMEOUT_MS, blockWorkspace, expectCleanExit, word, writeMarker } from './support/agent-steps.js';
import { agentInstalled, CLAUDE, runClaude } from './support/agents.js';
import { messagesTurn } from './support/conversation.js';

/**
 * Claude Code with a model name it does not recognise (a route named after the team, not the model) sends its
 * environment as a mid-conversation `role: "system"` message, which Claude refuses ("Unexpected role", as the
 * fake does). On an Anthropic passthrough route, and Claude on Vertex AI, the gateway moves such messages into
 * the top-level system prompt, so the session works; a request without one still goes as the client's bytes.
 */

type Body = { system?: Array<{ text?: string }>; messages: Array<{ role: string }> };

const ROUTES = [
  { route: 'my-sonnet', upstream: 'anthropic' },
  { route: 'team-haiku', upstream: 'vertex' },
] as const;

describe.skipIf(!agentInstalled(CLAUDE, 'Claude Code'))('Claude Code with a model name it does not know', () => {
  let harness: GatewayHarness;
  let anthropic: FakeAnthropic;
  let vertex: FakeVertex;

  beforeAll(async () => {
    anthropic = (await FakeAnthropic.start({ name: 'agent-anthropic' })).respondWith(messagesTurn);
    vertex = await FakeVertex.start();
    vertex.anthropic.respondWith(messagesTurn);
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('ant', anthropic.baseUrl, anthropic.apiKey, 'anthropic'), vertex.providerEntry('vx')],
        models: [
          { name: 'my-sonnet', targets: [{ provider: 'ant', model: 'claude-sonnet-4-5' }] },
          { name: 'team-haiku', targets: [{ provider: 'vx', model: 'claude-haiku-4-5@20251001' }] },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });

  afterAll(async () => {
    await harness?.close();
    await anthropic?.close();
    await vertex?.close();
  });

  describe.each(ROUTES)(
    'on the $upstream route $route',
    ({ route, upstream }) => {
      const requests = (): RecordedRequest[] =>
        upstream === 'anthropic' ? anthropic.requests : vertex.chatRequests('anthropic');
      const ws = blockWorkspace();

      it('answers, its environment moved from a system message into the system prompt', async () => {
        const seen = requests().length;
        const expected = word();
        const run = await runClaude(harness.url, CLIENT_TOKEN, route, `Please say \`${expected}\`.`, ws());
        expectCleanExit(run);
        expect(run.stdout).toContain(`You asked me to say ${expected}.`);
        const main = requests()
          .slice(seen)
          .map((request) => request.body as Body)
          .find((body) => JSON.stringify(body.messages).includes(expected));
        expect(main?.messages.map((m) => m.role)).toEqual(['user']);
        const system = (main?.system ?? []).map((block) => block.text ?? '').join('\n');
        expect(system).toContain('# Environment');
        expect(system).toContain(`You are powered by the model ${route}.`);
      });

      it('runs its shell tool and answers with what the command printed', async () => {
        const marker = await writeMarker(ws());
        const run = await runClaude(harness.url, CLIENT_TOKEN, route, 'Please run `cat marker.txt` for me.', ws());
        expectCleanExit(run);
        expect(run.stdout).toContain(`The command printed: ${marker}`);
      });
    },
    AGENT_TIMEOUT_MS,
  );

  it('counts tokens for the same request shape exactly, not a relayed 400', async () => {
    const counted = await harness
      .anthropic()
      .messages.countTokens({
        model: 'my-sonnet',
        system: [{ type: 'text', text: 'You are Claude Code.' }],
        messages: [
          { role: 'user', content: 'Please say hello.' },
          { role: 'system', content: [{ type: 'text', text: '# Environment\nPlatform: linux' }] },
        ] as never,
      })
      .withResponse();
    expect(counted.response.headers.get('x-gateway-token-count')).toBe('exact');
    expect(counted.data.input_tokens).toBeGreaterThan(0);
    const sent = anthropic.requests.at(-1);
    expect(sent?.path).toBe('/v1/messages/count_tokens');
    expect((sent?.body as Body | undefined)?.messages.map((m) => m.role)).toEqual(['user']);
  });
});
