import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_TOKEN, GatewayHarness } from '../support/gateway-harness.js';
import {
  AGENT_TIMEOUT_MS,
  blockWorkspace,
  expectCleanExit,
  lastRecord,
  word,
  writeMarker,
} from './support/agent-steps.js';
import { agentInstalled, CODEX, runCodex } from './support/agents.js';
import { CLOUD_TARGETS, type Cloud, CloudFakes } from './support/cloud-fakes.js';

const ROUTES: readonly Cloud[] = ['gemini', 'vertex-gemini', 'bedrock-claude', 'bedrock-nova', 'azure'];

/**
 * Codex, unchanged, through the gateway's /v1/responses to each cloud's own API: Gemini, Gemini on Vertex AI,
 * Claude and Nova on Bedrock, and an Azure OpenAI deployment. The fakes follow the conversation, so a tool
 * answer is right only when Codex really ran the command and the cloud got its output back in its own shape.
 */
describe.skipIf(!agentInstalled(CODEX, 'Codex'))('Codex on the clouds', () => {
  let harness: GatewayHarness;
  let clouds: CloudFakes;

  beforeAll(async () => {
    clouds = await CloudFakes.start();
    harness = await GatewayHarness.start({
      config: {
        providers: clouds.providers(),
        models: ROUTES.map((cloud) => ({
          name: `codex-${cloud}`,
          targets: [{ provider: CloudFakes.providerOf(cloud), model: CLOUD_TARGETS[cloud] }],
        })),
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await clouds?.close();
  });

  describe.each(ROUTES)(
    'to %s',
    (cloud) => {
      const model = `codex-${cloud}`;
      const ws = blockWorkspace();

      it('gives a plain answer', async () => {
        const expected = word();
        const run = await runCodex(harness.url, CLIENT_TOKEN, model, `Please say \`${expected}\`.`, ws());
        expectCleanExit(run);
        expect(run.stdout).toContain(`You asked me to say ${expected}.`);
        const record = await lastRecord(harness, model);
        expect(record?.provider).toBe(CloudFakes.providerOf(cloud));
        expect(record?.upstreamModel).toBe(CLOUD_TARGETS[cloud]);
      });

      it('runs its shell tool and answers with what the command printed', async () => {
        const marker = await writeMarker(ws());
        const seen = clouds.requests(cloud).length;
        const run = await runCodex(harness.url, CLIENT_TOKEN, model, 'Please run `cat marker.txt` for me.', ws());
        expectCleanExit(run);
        expect(run.stdout).toContain('The command printed: ');
        expect(run.stdout).toContain(marker);
        const later = clouds
          .requests(cloud)
          .slice(seen)
          .map((request) => request.rawBody);
        expect(later.some((body) => body.includes(marker))).toBe(true);
      });
    },
    AGENT_TIMEOUT_MS,
  );

  /**
   * Codex compacts a long session itself: it sends the history, tool calls and outputs included, with its
   * compaction prompt and no tools. Converse refuses tool blocks without declared tools, so the gateway writes
   * them as text there; before, it refused the request (400 naming tools) and the session stopped at its limit.
   */
  describe.each(['bedrock-claude', 'bedrock-nova'] as const)(
    'auto-compaction on %s',
    (cloud) => {
      const ws = blockWorkspace();

      it('summarises the tool conversation and finishes the turn from the summary', async () => {
        const marker = await writeMarker(ws());
        const seen = clouds.requests(cloud).length;
        const run = await runCodex(harness.url, CLIENT_TOKEN, `codex-${cloud}`, 'Please run `cat marker.txt`.', ws(), [
          '-c',
          'model_auto_compact_token_limit=30',
        ]);
        expectCleanExit(run);
        expect(run.stdout).toContain(`The command printed: ${marker}`);
        const compaction = clouds
          .requests(cloud)
          .slice(seen)
          .map((request) => request.body as { toolConfig?: unknown; messages: unknown[] })
          .find((body) => JSON.stringify(body).includes('CONTEXT CHECKPOINT COMPACTION'));
        expect(compaction?.toolConfig).toBeUndefined();
        expect(JSON.stringify(compaction?.messages)).toContain('[Tool call tooluse_shell_1: exec_command');
      });
    },
    AGENT_TIMEOUT_MS,
  );

  /**
   * What each translated cloud route gets for Codex's `model_reasoning_effort="none"`: Gemini, which thinks by
   * default, the least thinking the model allows; Claude and Nova on Bedrock, which think only when asked, nothing.
   */
  const NO_REASONING = [
    { cloud: 'gemini', thinking: (body: any) => body.generationConfig?.thinkingConfig, sent: { thinkingLevel: 'low' } },
    {
      cloud: 'vertex-gemini',
      thinking: (body: any) => body.generationConfig?.thinkingConfig,
      sent: { thinkingBudget: 128 },
    },
    { cloud: 'bedrock-claude', thinking: (body: any) => body.additionalModelRequestFields, sent: undefined },
    { cloud: 'bedrock-nova', thinking: (body: any) => body.additionalModelRequestFields, sent: undefined },
  ] as const;

  describe.each(NO_REASONING)(
    'reasoning effort none to $cloud',
    ({ cloud, thinking, sent }) => {
      const ws = blockWorkspace();

      it('sends the least thinking the model allows', async () => {
        const expected = word();
        const seen = clouds.requests(cloud).length;
        const run = await runCodex(harness.url, CLIENT_TOKEN, `codex-${cloud}`, `Please say \`${expected}\`.`, ws(), [
          '-c',
          'model_reasoning_effort="none"',
        ]);
        expectCleanExit(run);
        expect(run.stdout).toContain(`You asked me to say ${expected}.`);
        const bodies = clouds
          .requests(cloud)
          .slice(seen)
          .map((request) => request.body);
        expect(bodies.length).toBeGreaterThan(0);
        for (const body of bodies) expect(thinking(body)).toEqual(sent);
      });
    },
    AGENT_TIMEOUT_MS,
  );

  /** Each API's refusal of an over-long conversation, as the real ones word it. */
  const OVERFLOWS = [
    {
      cloud: 'gemini',
      refuse: () =>
        clouds.gemini.enqueue({
          kind: 'error',
          status: 400,
          googleStatus: 'INVALID_ARGUMENT',
          message: 'The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).',
        }),
    },
    {
      cloud: 'bedrock-nova',
      refuse: () =>
        clouds.bedrock.enqueue({
          kind: 'error',
          status: 400,
          exception: 'ValidationException',
          message: 'The model returned the following errors: Input is too long for requested model.',
        }),
    },
  ] as const;

  describe.each(OVERFLOWS)(
    'a conversation too long for $cloud',
    ({ cloud, refuse }) => {
      const ws = blockWorkspace();

      it("reads to Codex as its context window being full (OpenAI's context_length_exceeded)", async () => {
        refuse();
        const run = await runCodex(harness.url, CLIENT_TOKEN, `codex-${cloud}`, `Please say \`${word()}\`.`, ws());
        expect(run.code).not.toBe(0);
        expect(run.stdout).toContain("Codex ran out of room in the model's context window.");
      });
    },
    AGENT_TIMEOUT_MS,
  );
});
