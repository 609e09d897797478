import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { FakeVertex } from '../fakes/fake-vertex.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { agentInstalled, CLAUDE, runClaude, type Workspace, workspace } from './support/agents.js';
import { chatTurn, messagesTurn } from './support/conversation.js';

/**
 * Claude Code, unchanged, through the gateway's /v1/messages: translated to an OpenAI-compatible model, passed
 * through to an Anthropic one, and to Claude on Vertex AI (service-account token, rawPredict addressing, the
 * model moved from the body to the path and `anthropic_version` added). The fakes follow the conversation (support/conversation.ts), so a tool
 * answer is only right when the agent really ran the command in its temp dir and sent the output back.
 */

const UPSTREAMS = [
  { upstream: 'openai', model: 'claude-opus-4-6', translated: true },
  { upstream: 'anthropic', model: 'claude-sonnet-4-6', translated: false },
  { upstream: 'vertex', model: 'claude-haiku-4-5', translated: false },
] as const;

const PROVIDER_OF = { openai: 'oai', anthropic: 'ant', vertex: 'vx' } as const;

const word = () => `w${randomBytes(4).toString('hex')}`;

describe.skipIf(!agentInstalled(CLAUDE, 'Claude Code'))('Claude Code through the gateway', () => {
  let harness: GatewayHarness;
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let vertex: FakeVertex;
  let ws: Workspace;

  beforeAll(async () => {
    openai = (await FakeOpenAI.start({ name: 'agent-openai' })).respondWith(chatTurn);
    anthropic = (await FakeAnthropic.start({ name: 'agent-anthropic' })).respondWith(messagesTurn);
    vertex = await FakeVertex.start();
    vertex.anthropic.respondWith(messagesTurn);
    harness = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('oai', openai.baseUrl, openai.apiKey, 'openai'),
          fakeProvider('ant', anthropic.baseUrl, anthropic.apiKey, 'anthropic'),
          {
            name: 'vx',
            type: 'vertex',
            base_url: vertex.endpoint,
            allow_private_network: true,
            vertex: {
              project: vertex.project,
              location: vertex.location,
              service_account_json: JSON.stringify({ type: 'service_account', ...vertex.serviceAccount }),
            },
          },
        ],
        models: [
          { name: 'claude-opus-4-6', targets: [{ provider: 'oai', model: 'gpt-5.2' }] },
          { name: 'claude-sonnet-4-6', targets: [{ provider: 'ant', model: 'claude-sonnet-4-6' }] },
          { name: 'claude-haiku-4-5', targets: [{ provider: 'vx', model: 'claude-haiku-4-5@20251001' }] },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });

  afterAll(async () => {
    await harness?.close();
    await openai?.close();
    await anthropic?.close();
    await vertex?.close();
  });

  describe.each(UPSTREAMS)('to an $upstream upstream', ({ upstream, model, translated }) => {
    const requests = () =>
      upstream === 'openai' ? openai.requests : upstream === 'vertex' ? vertex.anthropic.requests : anthropic.requests;

    beforeAll(async () => {
      ws = await workspace();
    });
    afterAll(async () => ws?.close());

    it('gives a plain answer', async () => {
      const seen = requests().length;
      const expected = word();
      const run = await runClaude(harness.url, CLIENT_TOKEN, model, `Please say \`${expected}\`.`, ws);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`You asked me to say ${expected}.`);
      expect(requests().length).toBeGreaterThan(seen);
      const records = await harness.records(1);
      const record = records.find((r) => r.requestedModel === model && r.status === 200);
      expect(record?.provider).toBe(PROVIDER_OF[upstream]);
      if (upstream === 'vertex') {
        expect(vertex.chatRequests('anthropic').at(-1)?.path).toMatch(
          /claude-haiku-4-5%4020251001:(stream)?RawPredict$/,
        );
      }
      if (translated) {
        expect(record?.droppedFields).toEqual(expect.arrayContaining(['anthropic-beta', 'context_management']));
      } else expect(record?.droppedFields ?? null).toBeNull();
    });

    it('runs its shell tool in its temp dir and answers with what the command printed', async () => {
      const marker = word();
      await writeFile(join(ws.cwd, 'marker.txt'), `${marker}\n`);
      const seen = requests().length;
      const run = await runClaude(harness.url, CLIENT_TOKEN, model, 'Please run `cat marker.txt` for me.', ws);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`The command printed: ${marker}`);
      // The fake asked for the tool, then got its output back in the conversation.
      const later = requests()
        .slice(seen)
        .map((request) => request.rawBody);
      expect(later.some((body) => body.includes(marker))).toBe(true);
    });

    it('keeps reasoning on', async () => {
      const topic = word();
      const seen = requests().length;
      const run = await runClaude(harness.url, CLIENT_TOKEN, model, `Please think about \`${topic}\`.`, ws);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`Thought about ${topic}.`);
      const sent = requests()
        .slice(seen)
        .map((request) => request.body as Record<string, unknown>)
        .find((body) => JSON.stringify(body).includes(topic));
      if (translated) expect(sent?.reasoning_effort).toEqual(expect.any(String));
      else expect(sent?.thinking).toBeDefined();
    });
  });
});
