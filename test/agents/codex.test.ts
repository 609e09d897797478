import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import {
  AGENT_TIMEOUT_MS,
  blockWorkspace,
  expectCleanExit,
  lastRecord,
  word,
  writeMarker,
} from './support/agent-steps.js';
import { agentInstalled, CODEX, runCodex, workspace } from './support/agents.js';
import { chatTurn, messagesTurn } from './support/conversation.js';

/**
 * Codex, unchanged, through the gateway's /v1/responses (the only wire it speaks to a gateway): translated to an
 * OpenAI-compatible Chat model and to an Anthropic model. The fakes follow the conversation
 * (support/conversation.ts), so a tool answer is only right when Codex really ran the command in its temp dir
 * and sent the output back.
 */

const UPSTREAMS = [
  { upstream: 'openai', model: 'gpt-5.2' },
  { upstream: 'anthropic', model: 'claude-sonnet-4-6' },
] as const;

describe.skipIf(!agentInstalled(CODEX, 'Codex'))('Codex through the gateway', () => {
  let harness: GatewayHarness;
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;

  beforeAll(async () => {
    openai = (await FakeOpenAI.start({ name: 'agent-openai' })).respondWith(chatTurn);
    anthropic = (await FakeAnthropic.start({ name: 'agent-anthropic' })).respondWith(messagesTurn);
    harness = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('oai', openai.baseUrl, openai.apiKey, 'openai'),
          fakeProvider('ant', anthropic.baseUrl, anthropic.apiKey, 'anthropic'),
        ],
        models: [
          { name: 'gpt-5.2', targets: [{ provider: 'oai', model: 'gpt-5.2' }] },
          { name: 'claude-sonnet-4-6', targets: [{ provider: 'ant', model: 'claude-sonnet-4-6' }] },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });

  afterAll(async () => {
    await harness?.close();
    await openai?.close();
    await anthropic?.close();
  });

  describe.each(UPSTREAMS)(
    'to an $upstream upstream',
    ({ upstream, model }) => {
      const requests = () => (upstream === 'openai' ? openai.requests : anthropic.requests);

      const ws = blockWorkspace();

      it('gives a plain answer', async () => {
        const seen = requests().length;
        const expected = word();
        const run = await runCodex(harness.url, CLIENT_TOKEN, model, `Please say \`${expected}\`.`, ws());
        expectCleanExit(run);
        expect(run.stdout).toContain(`You asked me to say ${expected}.`);
        expect(requests().length).toBeGreaterThan(seen);
        const record = await lastRecord(harness, model);
        expect(record?.provider).toBe(upstream === 'openai' ? 'oai' : 'ant');
        expect(record?.droppedFields).toEqual(expect.arrayContaining(['client_metadata', 'tools.web_search']));
      });

      it('runs its shell tool in its temp dir and answers with what the command printed', async () => {
        const marker = await writeMarker(ws());
        const seen = requests().length;
        const run = await runCodex(harness.url, CLIENT_TOKEN, model, 'Please run `cat marker.txt` for me.', ws());
        expectCleanExit(run);
        expect(run.stdout).toContain(`The command printed: `);
        expect(run.stdout).toContain(marker);
        const later = requests()
          .slice(seen)
          .map((request) => request.rawBody);
        expect(later.some((body) => body.includes(marker))).toBe(true);
      });

      it("keeps reasoning on, Codex's deepest effort (xhigh) read as high", async () => {
        const topic = word();
        const seen = requests().length;
        const run = await runCodex(harness.url, CLIENT_TOKEN, model, `Please think about \`${topic}\`.`, ws(), [
          '-c',
          'model_reasoning_effort="xhigh"',
        ]);
        expectCleanExit(run);
        expect(run.stdout).toContain(`Thought about ${topic}.`);
        const sent = requests()
          .slice(seen)
          .map((request) => request.body as Record<string, unknown>)
          .find((body) => JSON.stringify(body).includes(topic));
        if (upstream === 'openai') expect(sent?.reasoning_effort).toBe('high');
        else expect(sent?.thinking).toEqual({ type: 'enabled', budget_tokens: 24576 });
        // Codex sets no output limit: Anthropic gets the model's known maximum, not a fixed 4096.
        if (upstream === 'anthropic') expect(sent?.max_tokens).toBe(64_000);
      });
    },
    AGENT_TIMEOUT_MS,
  );

  it(
    "carries Claude's signed thinking through its tool loop, with store: false, in the encrypted reasoning",
    async () => {
      const ws = await workspace();
      try {
        const marker = await writeMarker(ws);
        const seen = anthropic.requests.length;
        const run = await runCodex(harness.url, CLIENT_TOKEN, 'claude-sonnet-4-6', 'Please run `cat marker.txt`.', ws, [
          '-c',
          'model_reasoning_effort="high"',
        ]);
        expectCleanExit(run);
        expect(run.stdout).toContain(marker);
        const sent = anthropic.requests.slice(seen).map((request) => request.body as Record<string, any>);
        // Codex keeps no server state (store: false) and asks for reasoning.encrypted_content: that is all the
        // gateway has to give Claude its thinking back, which the API demands before a tool result.
        expect(sent[0]).toBeDefined();
        const turn = sent.find((body) => JSON.stringify(body).includes(marker));
        const assistant = turn?.messages.findLast((m: Record<string, any>) => m.role === 'assistant');
        expect(assistant?.content[0]).toMatchObject({ type: 'thinking', signature: 'sig-fake-0123456789' });
      } finally {
        await ws.close();
      }
    },
    AGENT_TIMEOUT_MS,
  );
});
