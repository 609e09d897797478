import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeGemini } from '../fakes/fake-gemini.js';
import type { RecordedRequest } from '../fakes/fake-server.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { AGENT_TIMEOUT_MS, blockWorkspace, expectCleanExit, writeMarker } from './support/agent-steps.js';
import { agentInstalled, CLAUDE, CODEX, runClaude, runCodex } from './support/agents.js';
import { geminiTurn, messagesTurn } from './support/conversation.js';

/**
 * An agent's tool loop that changes provider type half way: the Anthropic upstream reasons (signed thinking),
 * asks for the shell tool, and then answers the turn carrying the tool's output with a 429 and `retry-after`.
 * The gateway cools that target and serves the turn from Gemini 3, whose API refuses a function-calling step
 * without a thought signature, even one another model made. The agent must not notice: it gets its answer from
 * the command's output, on the same session. Each agent has its own Anthropic provider entry, so one test's
 * cooling does not decide the other's route.
 */

type Body = Record<string, any>;

const GEMINI_MODEL = 'gemini-3-pro-preview';

describe.skipIf(!agentInstalled(CLAUDE, 'Claude Code') || !agentInstalled(CODEX, 'Codex'))(
  'a 429 in the middle of an agent session falls back to another provider type',
  () => {
    let harness: GatewayHarness;
    let anthropic: FakeAnthropic;
    let gemini: FakeGemini;

    beforeAll(async () => {
      anthropic = (await FakeAnthropic.start({ name: 'agent-anthropic' })).respondWith(messagesTurn);
      gemini = (await FakeGemini.start()).respondWith(geminiTurn);
      harness = await GatewayHarness.start({
        config: {
          providers: [
            fakeProvider('ant-claude-code', anthropic.baseUrl, anthropic.apiKey, 'anthropic'),
            fakeProvider('ant-codex', anthropic.baseUrl, anthropic.apiKey, 'anthropic'),
            fakeProvider('gem', gemini.baseUrl, gemini.apiKey, 'gemini'),
          ],
          models: [
            {
              name: 'claude-sonnet-4-6',
              targets: [
                { provider: 'ant-claude-code', model: 'claude-sonnet-4-6' },
                { provider: 'gem', model: GEMINI_MODEL },
              ],
            },
            {
              name: 'codex-fallback',
              targets: [
                { provider: 'ant-codex', model: 'claude-sonnet-4-6' },
                { provider: 'gem', model: GEMINI_MODEL },
              ],
            },
          ],
          routing: { retries: { max_attempts: 1 } },
        },
      });
    });

    afterAll(async () => {
      await harness?.close();
      await anthropic?.close();
      await gemini?.close();
    });

    const ws = blockWorkspace();

    /** Anthropic answers as usual until the tool's output (the marker) comes back; that turn is rate limited. */
    function rateLimitTheToolResult(marker: string): void {
      anthropic.respondWith((request: RecordedRequest) =>
        request.rawBody.includes(marker)
          ? { kind: 'error', status: 429, message: 'Rate limited', headers: { 'retry-after': '30' } }
          : messagesTurn(request),
      );
    }

    /** What Gemini received for the fallen-back turn: the call another model made, signed, and its result. */
    async function expectServedByGemini(model: string, marker: string, seen: number): Promise<void> {
      const body = gemini
        .chatRequests()
        .slice(seen)
        .map((request) => request.body as Body)
        .find((b) => JSON.stringify(b).includes(marker));
      expect(body).toBeDefined();
      const parts: Body[] = body?.contents.flatMap((c: Body) => c.parts) ?? [];
      const call = parts.find((p) => p.functionCall);
      expect(call?.thoughtSignature).toBe('skip_thought_signature_validator');
      expect(JSON.stringify(parts.find((p) => p.functionResponse))).toContain(marker);
      // Claude's signed thinking has no place in Gemini's contents.
      expect(JSON.stringify(body)).not.toContain('sig-fake-0123456789');
      const records = await harness.records(2);
      const served = records.find((r) => r.requestedModel === model && r.status === 200);
      expect(served).toMatchObject({ provider: 'gem', upstreamModel: GEMINI_MODEL, routeMode: 'fallback' });
    }

    it(
      'Claude Code with thinking on: Anthropic passthrough, then Gemini 3 for the turn with the tool result',
      async () => {
        const marker = await writeMarker(ws());
        const seen = gemini.chatRequests().length;
        rateLimitTheToolResult(marker);
        try {
          const run = await runClaude(
            harness.url,
            CLIENT_TOKEN,
            'claude-sonnet-4-6',
            'Please run `cat marker.txt` for me.',
            ws(),
          );
          expectCleanExit(run);
          expect(run.stdout).toContain(`The command printed: ${marker}`);
        } finally {
          anthropic.respondWith(messagesTurn);
        }
        await expectServedByGemini('claude-sonnet-4-6', marker, seen);
      },
      AGENT_TIMEOUT_MS,
    );

    it(
      'Codex with reasoning high: Responses to Anthropic, then Gemini 3 for the turn with the tool result',
      async () => {
        const marker = await writeMarker(ws());
        const seen = gemini.chatRequests().length;
        rateLimitTheToolResult(marker);
        try {
          const run = await runCodex(
            harness.url,
            CLIENT_TOKEN,
            'codex-fallback',
            'Please run `cat marker.txt` for me.',
            ws(),
            ['-c', 'model_reasoning_effort="high"'],
          );
          expectCleanExit(run);
          expect(run.stdout).toContain('The command printed: ');
          expect(run.stdout).toContain(marker);
        } finally {
          anthropic.respondWith(messagesTurn);
        }
        await expectServedByGemini('codex-fallback', marker, seen);
      },
      AGENT_TIMEOUT_MS,
    );
  },
);
