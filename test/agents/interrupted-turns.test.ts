import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import type { FakeServer, RecordedRequest } from '../fakes/fake-server.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { AGENT_TIMEOUT_MS, blockWorkspace, expectCleanExit, word } from './support/agent-steps.js';
import { agentInstalled, CLAUDE, CODEX, runClaude, runCodex } from './support/agents.js';
import { chatTurn, messagesTurn } from './support/conversation.js';

/**
 * Turns that do not go to plan, on translated routes (Claude Code to an OpenAI-compatible model, Codex to an
 * Anthropic one): a command that fails, an upstream stream that breaks or reports an error half way, and the
 * user pressing Ctrl-C while the answer streams. The agent must carry on (or stop) as it does against its own
 * vendor's API, and the gateway must say what happened in its request records and let go of the upstream.
 */

type RecordsOf = Awaited<ReturnType<GatewayHarness['records']>>;

const CLAUDE_MODEL = 'claude-opus-4-6';
const CODEX_MODEL = 'claude-sonnet-4-6';

describe.skipIf(!agentInstalled(CLAUDE, 'Claude Code') || !agentInstalled(CODEX, 'Codex'))(
  'agent turns that go wrong',
  () => {
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
            { name: CLAUDE_MODEL, targets: [{ provider: 'oai', model: 'gpt-5.2' }] },
            { name: CODEX_MODEL, targets: [{ provider: 'ant', model: 'claude-sonnet-4-6' }] },
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

    const ws = blockWorkspace();

    /** Waits for the records to satisfy `done` (the writer batches, so a record lands a moment after its request). */
    async function recordsUntil(done: (records: RecordsOf) => boolean): Promise<RecordsOf> {
      for (let i = 0; ; i++) {
        const records = await harness.records(1);
        if (done(records) || i === 50) return records;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    /** Settles once the upstream has got a request after `seen` and had a moment to stream its first events. */
    async function upstreamStreaming(requests: () => RecordedRequest[], seen: number): Promise<void> {
      while (requests().length === seen) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    it('Claude Code carries on after its command fails, and answers from the error', async () => {
      const run = await runClaude(
        harness.url,
        CLIENT_TOKEN,
        CLAUDE_MODEL,
        'Please run `cat missing.txt` for me.',
        ws(),
      );
      expectCleanExit(run);
      expect(run.stdout).toMatch(/The command printed: [^"]*No such file or directory/);
    });

    it('Codex carries on after its command fails, and answers from the error', async () => {
      const run = await runCodex(harness.url, CLIENT_TOKEN, CODEX_MODEL, 'Please run `cat missing.txt` for me.', ws());
      expectCleanExit(run);
      expect(run.stdout).toContain('"exit_code":1');
      expect(run.stdout).toMatch(/The command printed: [^"]*No such file or directory/);
    });

    it('Claude Code asks again when the translated stream breaks half way, and the record says so', async () => {
      const expected = word();
      openai.enqueue({ kind: 'break', after: 2 });
      const run = await runClaude(harness.url, CLIENT_TOKEN, CLAUDE_MODEL, `Please say \`${expected}\`.`, ws());
      expectCleanExit(run);
      expect(run.stdout).toContain(`You asked me to say ${expected}.`);
      const records = await recordsUntil((rs) => rs.some((r) => r.errorCode === 'GW_ERR_UPSTREAM_STREAM'));
      expect(records.find((r) => r.requestedModel === CLAUDE_MODEL && r.errorCode)).toMatchObject({
        errorCode: 'GW_ERR_UPSTREAM_STREAM',
        errorMessage: expect.stringContaining('connection reset'),
      });
    });

    it("Codex reconnects when Anthropic's stream reports overloaded half way, and answers", async () => {
      const expected = word();
      anthropic.enqueue({ kind: 'streamError', after: 3 });
      const run = await runCodex(harness.url, CLIENT_TOKEN, CODEX_MODEL, `Please say \`${expected}\`.`, ws());
      expectCleanExit(run);
      // Codex shows the failed stream as a reconnect, then the answer of its second try.
      expect(run.stdout).toMatch(/Reconnecting\.\.\. 1\/\d+ \(stream disconnected before completion: Overloaded\)/);
      expect(run.stdout).toContain(`You asked me to say ${expected}.`);
    });

    it.each([
      { agent: 'Claude Code', model: CLAUDE_MODEL },
      { agent: 'Codex', model: CODEX_MODEL },
    ])(
      '$agent stopped with Ctrl-C mid-answer: a 499 record, and the upstream stream is let go',
      async ({ agent, model }) => {
        const fake: { server: FakeServer; requests: RecordedRequest[] } = agent === 'Codex' ? anthropic : openai;
        const requests = () => fake.server.requests;
        if (agent === 'Codex') anthropic.enqueue({ kind: 'stall', after: 2 });
        else openai.enqueue({ kind: 'stall', after: 2 });
        const seen = requests().length;
        const aborted = fake.server.aborted;
        const prompt = `Please say \`${word()}\`.`;
        const interrupt = upstreamStreaming(requests, seen);
        const run =
          agent === 'Codex'
            ? await runCodex(harness.url, CLIENT_TOKEN, model, prompt, ws(), [], { interrupt })
            : await runClaude(harness.url, CLIENT_TOKEN, model, prompt, ws(), { interrupt });
        expect(run.stdout).not.toContain('You asked me to say');
        const records = await recordsUntil((rs) => rs.some((r) => r.requestedModel === model && r.status === 499));
        expect(records.find((r) => r.requestedModel === model && r.status === 499)).toMatchObject({
          errorCode: 'GW_ERR_CLIENT_CLOSED',
        });
        // The gateway closed its stalled upstream request rather than leaving it open.
        await expect.poll(() => fake.server.aborted, { timeout: 5_000 }).toBeGreaterThan(aborted);
      },
    );
  },
  AGENT_TIMEOUT_MS,
);
