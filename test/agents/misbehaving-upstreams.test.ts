import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeBedrock } from '../fakes/fake-bedrock.js';
import { FakeGemini, type GeminiReply } from '../fakes/fake-gemini.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import type { RecordedRequest } from '../fakes/fake-server.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { AGENT_TIMEOUT_MS, blockWorkspace, expectCleanExit, word, writeMarker } from './support/agent-steps.js';
import { type AgentRun, agentInstalled, CLAUDE, CODEX, runClaude, runCodex } from './support/agents.js';
import { AWS_KEYS, CLOUD_TARGETS } from './support/cloud-fakes.js';
import { chatTurn, converseTurn, geminiTurn, messagesTurn } from './support/conversation.js';

/**
 * The agents on translated routes whose upstream misbehaves: Claude Code (Messages) to Gemini, to an
 * OpenAI-compatible model and to Bedrock; Codex (Responses) to Gemini and to Anthropic. A 429 on the first
 * attempt, an error half way through the answer, a stream cut inside a tool call's arguments, a first byte that
 * never comes (with a fallback target), and the user's Ctrl-C. Each time the agent must recover (or stop) as it
 * does against its own vendor, and the request record must tell the truth: status, error, and the usage the
 * upstream had reported so far.
 */

type RecordsOf = Awaited<ReturnType<GatewayHarness['records']>>;
type RecordOf = RecordsOf[number];

const GEMINI_MODEL = 'gemini-3-pro-preview';
/** gemini-3-pro-preview's list prices (USD per million tokens), from the gateway's price table. */
const GEMINI_PRICE = { input: 2, output: 12 };
/** The prompt size Gemini reports in every event of a stream that is then cut (distinct from any estimate). */
const REPORTED_PROMPT = 4321;

const ROUTES = {
  claudeToGemini: 'cc-gemini',
  claudeToOpenAI: 'cc-openai',
  claudeToBedrock: 'cc-bedrock',
  claudeWithFallback: 'cc-slow-then-gemini',
  codexToGemini: 'cx-gemini',
  codexToAnthropic: 'cx-anthropic',
} as const;

describe.skipIf(!agentInstalled(CLAUDE, 'Claude Code') || !agentInstalled(CODEX, 'Codex'))(
  'agents on translated routes to misbehaving upstreams',
  () => {
    let harness: GatewayHarness;
    let openai: FakeOpenAI;
    let silent: FakeOpenAI;
    let anthropic: FakeAnthropic;
    let gemini: FakeGemini;
    let bedrock: FakeBedrock;

    beforeAll(async () => {
      openai = (await FakeOpenAI.start({ name: 'agent-openai' })).respondWith(chatTurn);
      // An upstream that accepts every request and never sends a byte.
      silent = (await FakeOpenAI.start({ name: 'silent-openai' })).respondWith(() => ({ kind: 'hang' }));
      anthropic = (await FakeAnthropic.start({ name: 'agent-anthropic' })).respondWith(messagesTurn);
      gemini = (await FakeGemini.start()).respondWith(geminiTurn);
      bedrock = (await FakeBedrock.start({ keys: [AWS_KEYS] })).respondWith(converseTurn);
      harness = await GatewayHarness.start({
        config: {
          providers: [
            fakeProvider('oai', openai.baseUrl, openai.apiKey, 'openai'),
            fakeProvider('silent', silent.baseUrl, silent.apiKey, 'openai'),
            fakeProvider('ant', anthropic.baseUrl, anthropic.apiKey, 'anthropic'),
            fakeProvider('gem', gemini.baseUrl, gemini.apiKey, 'gemini'),
            {
              name: 'bed',
              type: 'bedrock',
              base_url: bedrock.endpoint,
              allow_private_network: true,
              aws: {
                region: 'us-east-1',
                access_key_id: AWS_KEYS.accessKeyId,
                secret_access_key: AWS_KEYS.secretAccessKey,
                session_token: AWS_KEYS.sessionToken,
              },
            },
          ],
          models: [
            { name: ROUTES.claudeToGemini, targets: [{ provider: 'gem', model: GEMINI_MODEL }] },
            { name: ROUTES.claudeToOpenAI, targets: [{ provider: 'oai', model: 'gpt-5.2' }] },
            {
              name: ROUTES.claudeToBedrock,
              targets: [{ provider: 'bed', model: CLOUD_TARGETS['bedrock-claude'] }],
            },
            {
              name: ROUTES.claudeWithFallback,
              targets: [
                { provider: 'silent', model: 'gpt-5.2' },
                { provider: 'gem', model: GEMINI_MODEL },
              ],
            },
            { name: ROUTES.codexToGemini, targets: [{ provider: 'gem', model: GEMINI_MODEL }] },
            { name: ROUTES.codexToAnthropic, targets: [{ provider: 'ant', model: 'claude-sonnet-4-6' }] },
          ],
          // Retries are the agents' to make here, so each upstream failure reaches them.
          routing: { retries: { max_attempts: 1 }, timeout: { first_byte_ms: 1_500 } },
        },
      });
    });

    afterAll(async () => {
      await harness?.close();
      await openai?.close();
      await silent?.close();
      await anthropic?.close();
      await gemini?.close();
      await bedrock?.close();
    });

    const ws = blockWorkspace();

    /** The records of one route, oldest first, once `done` holds (the writer batches, so records land late). */
    async function recordsOf(model: string, done: (records: RecordOf[]) => boolean): Promise<RecordOf[]> {
      for (let i = 0; ; i++) {
        const mine = (await harness.records(1)).filter((r) => r.requestedModel === model).reverse();
        if (done(mine) || i === 50) return mine;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    function claude(model: string, prompt: string, interrupt?: Promise<unknown>): Promise<AgentRun> {
      return runClaude(harness.url, CLIENT_TOKEN, model, prompt, ws(), interrupt ? { interrupt } : {});
    }

    function codex(model: string, prompt: string, interrupt?: Promise<unknown>): Promise<AgentRun> {
      return runCodex(harness.url, CLIENT_TOKEN, model, prompt, ws(), [], interrupt ? { interrupt } : {});
    }

    /** Settles once Gemini has got a new request and had a moment to stream its first events. */
    async function geminiStreaming(): Promise<void> {
      const seen = gemini.chatRequests().length;
      while (gemini.chatRequests().length === seen) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    /** What Gemini reported before the stream stopped, and the cost of it at the list price. */
    function expectReportedUsageSoFar(record: RecordOf | undefined): void {
      expect(record).toMatchObject({ inputTokens: REPORTED_PROMPT, usageEstimated: true });
      const output = record?.outputTokens ?? 0;
      expect(output).toBeGreaterThan(0);
      expect(record?.costUsd).toBeCloseTo(
        (REPORTED_PROMPT * GEMINI_PRICE.input + output * GEMINI_PRICE.output) / 1e6,
        9,
      );
    }

    /** A Gemini answer that reports the prompt's size in every event (as Gemini does), to be cut after two. */
    const promptReportingAnswer: GeminiReply = {
      kind: 'reply',
      text: 'one two three four five',
      usage: { prompt: REPORTED_PROMPT, candidates: 9 },
    };

    describe('a 429 with retry-after on the first attempt', () => {
      it('Claude Code to Gemini waits as told, asks again and answers; the 429 is recorded as a rate limit', async () => {
        const expected = word();
        gemini.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '1' }, retryDelay: '1s' });
        const run = await claude(ROUTES.claudeToGemini, `Please say \`${expected}\`.`);
        expectCleanExit(run);
        // Claude Code reports the retry, the wait taken from the gateway's retry-after, then the answer.
        expect(run.stdout).toMatch(/"subtype":"api_retry","attempt":1,[^}]*"error_status":429,"error":"rate_limit"/);
        expect(run.stdout).toContain(`"result":"You asked me to say ${expected}."`);
        const records = await recordsOf(ROUTES.claudeToGemini, (rs) => rs.some((r) => r.status === 200));
        const limited = records.find((r) => r.status === 429);
        expect(limited?.attempts).toEqual([expect.objectContaining({ provider: 'gem', errorClass: 'rate_limit' })]);
        expect(limited).toMatchObject({ inputTokens: null, costUsd: null });
      });

      it('Claude Code to Bedrock (a ThrottlingException, no retry-after) backs off, asks again and answers', async () => {
        const expected = word();
        bedrock.enqueue({
          kind: 'error',
          status: 429,
          exception: 'ThrottlingException',
          message: 'Too many requests, please wait before trying again.',
        });
        const run = await claude(ROUTES.claudeToBedrock, `Please say \`${expected}\`.`);
        expectCleanExit(run);
        expect(run.stdout).toMatch(/"subtype":"api_retry","attempt":1,[^}]*"error_status":429,"error":"rate_limit"/);
        expect(run.stdout).toContain(`"result":"You asked me to say ${expected}."`);
        const records = await recordsOf(ROUTES.claudeToBedrock, (rs) => rs.some((r) => r.status === 200));
        expect(records.find((r) => r.status === 429)).toMatchObject({
          errorMessage:
            'the only target failed: bed 429 (rate_limit: Too many requests, please wait before trying again.)',
        });
      });

      it('Codex to Gemini reconnects once and answers', async () => {
        const expected = word();
        gemini.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '1' }, retryDelay: '1s' });
        const run = await codex(ROUTES.codexToGemini, `Please say \`${expected}\`.`);
        expectCleanExit(run);
        expect(run.stdout).toMatch(/Reconnecting\.\.\. 1\/\d+ \([^)]*429 Too Many Requests/);
        expect(run.stdout).toContain(`You asked me to say ${expected}.`);
        expect(run.stdout).not.toContain('Reconnecting... 2/');
      });
    });

    describe('an error event half way through the answer', () => {
      it('Claude Code to Gemini asks again and answers; the record has the usage Gemini reported', async () => {
        const expected = word();
        // The error comes after two events of an answer that reports the prompt's size in each.
        gemini.enqueue({
          kind: 'streamError',
          after: 2,
          message: 'Internal error encountered.',
          reply: promptReportingAnswer,
        });
        const run = await claude(ROUTES.claudeToGemini, `Please say \`${expected}\`.`);
        expectCleanExit(run);
        expect(run.stdout).toContain(`"result":"You asked me to say ${expected}."`);
        const records = await recordsOf(ROUTES.claudeToGemini, (rs) =>
          rs.some((r) => r.errorCode === 'GW_ERR_UPSTREAM_STREAM'),
        );
        const failed = records.find((r) => r.errorCode === 'GW_ERR_UPSTREAM_STREAM');
        expect(failed).toMatchObject({
          errorMessage: expect.stringMatching(
            /^upstream stream failed: Internal error encountered\. \(cut after [1-9]\d* bytes of the response\)$/,
          ),
        });
        expect(failed?.attempts).toEqual([expect.objectContaining({ errorClass: 'stream_error' })]);
        expectReportedUsageSoFar(failed);
      });

      it('Claude Code to Bedrock, throttled half way, asks again and answers; the record says so', async () => {
        const expected = word();
        bedrock.enqueue({
          kind: 'streamError',
          after: 3,
          exception: 'throttlingException',
          message: 'Too many tokens, please wait before trying again.',
        });
        const run = await claude(ROUTES.claudeToBedrock, `Please say \`${expected}\`.`);
        expectCleanExit(run);
        expect(run.stdout).toContain(`"result":"You asked me to say ${expected}."`);
        const records = await recordsOf(ROUTES.claudeToBedrock, (rs) =>
          rs.some((r) => r.errorCode !== null && r.status === 200),
        );
        // Bedrock reports usage only at the end: the record carries the gateway's estimate, flagged as one.
        expect(records.find((r) => r.status === 200 && r.errorCode)).toMatchObject({
          errorCode: 'GW_ERR_UPSTREAM_STREAM',
          errorMessage: expect.stringMatching(
            /^upstream stream failed: Too many tokens, please wait before trying again\. \(cut after [1-9]\d* bytes of the response\)$/,
          ),
          usageEstimated: true,
        });
      });

      it('Claude Code to Bedrock asks again when Converse stops with malformed_tool_use, and runs the tool', async () => {
        const marker = await writeMarker(ws());
        // Converse's stop when the model wrote a tool call that does not parse: the call is not in the answer.
        bedrock.enqueue({ kind: 'reply', text: 'Let me run that.', stopReason: 'malformed_tool_use' });
        const run = await claude(ROUTES.claudeToBedrock, 'Please run `cat marker.txt` for me.');
        expectCleanExit(run);
        expect(run.stdout).toContain(`The command printed: ${marker}`);
        const records = await recordsOf(ROUTES.claudeToBedrock, (rs) =>
          rs.some((r) => r.errorMessage?.includes('malformed_tool_use')),
        );
        expect(records.find((r) => r.errorMessage?.includes('malformed_tool_use'))).toMatchObject({
          errorCode: 'GW_ERR_UPSTREAM_STREAM',
        });
      });

      it('Claude Code to Bedrock ends a text-only turn that Converse closes with stopReason tool_use', async () => {
        const expected = word();
        // Converse sometimes closes a text-only answer with tool_use; taken as said, Claude Code asks the model again.
        const seen = bedrock.chatRequests().length;
        bedrock.enqueue({ kind: 'reply', text: `Done: ${expected}.`, stopReason: 'tool_use' });
        const run = await claude(ROUTES.claudeToBedrock, `Please say \`${expected}\`.`);
        expectCleanExit(run);
        expect(run.stdout).toContain(`"result":"Done: ${expected}."`);
        expect(run.stdout).toContain('"stop_reason":"end_turn"');
        expect(
          bedrock
            .chatRequests()
            .slice(seen)
            .filter((r) => r.rawBody.includes(expected)),
        ).toHaveLength(1);
      });

      it('Codex to Gemini reconnects and answers', async () => {
        const expected = word();
        gemini.enqueue({ kind: 'streamError', after: 2, message: 'Internal error encountered.' });
        const run = await codex(ROUTES.codexToGemini, `Please say \`${expected}\`.`);
        expectCleanExit(run);
        expect(run.stdout).toContain(
          'Reconnecting... 1/5 (stream disconnected before completion: Internal error encountered.)',
        );
        expect(run.stdout).toContain(`You asked me to say ${expected}.`);
      });
    });

    describe("Gemini 3's answer to the tool's result fails half way", () => {
      /** The signature on the function call of each Gemini request from `seen` on that carries the tool's output. */
      function callSignatures(seen: number, marker: string): unknown[] {
        return gemini
          .chatRequests()
          .slice(seen)
          .filter((request) => request.rawBody.includes(marker))
          .map((request) => request.body as { contents: Array<{ parts: Array<Record<string, unknown>> }> })
          .map((body) => body.contents.flatMap((c) => c.parts).find((p) => p.functionCall)?.thoughtSignature);
      }

      it.each([
        { agent: 'Claude Code', model: ROUTES.claudeToGemini },
        { agent: 'Codex', model: ROUTES.codexToGemini },
      ])('$agent asks again with the call still signed, and answers from the output', async ({ agent, model }) => {
        const marker = await writeMarker(ws());
        const seen = gemini.chatRequests().length;
        let failed = 0;
        gemini.respondWith((request: RecordedRequest) =>
          request.rawBody.includes(marker) && failed++ === 0
            ? { kind: 'streamError', after: 1, message: 'Internal error encountered.' }
            : geminiTurn(request),
        );
        try {
          const prompt = 'Please run `cat marker.txt` for me.';
          const run = agent === 'Codex' ? await codex(model, prompt) : await claude(model, prompt);
          expectCleanExit(run);
          expect(run.stdout).toContain('The command printed: ');
          expect(run.stdout).toContain(marker);
        } finally {
          gemini.respondWith(geminiTurn);
        }
        // The failed turn with the tool's output and the turn asked again both carry the call's signature (the
        // fake, like Gemini 3, refuses a function call sent back without the signature it issued).
        const withResult = callSignatures(seen, marker);
        expect(withResult).toHaveLength(2);
        expect(new Set(withResult).size).toBe(1);
        expect(withResult[0]).toEqual(expect.any(String));
      });
    });

    describe("a stream cut inside a tool call's arguments", () => {
      it('Claude Code to an OpenAI-compatible model runs no half call, asks again, runs the whole one', async () => {
        const marker = await writeMarker(ws());
        let cut = 0;
        openai.respondWith((request: RecordedRequest) => {
          const turn = chatTurn(request);
          // The first tool call streams its arguments 8 characters a chunk; the connection drops after 3 chunks.
          if (turn?.kind === 'reply' && turn.toolCalls && cut++ === 0) {
            return { kind: 'break', after: 3, reply: { ...turn, chunkSize: 8 } };
          }
          return turn;
        });
        try {
          const run = await claude(ROUTES.claudeToOpenAI, 'Please run `cat marker.txt` for me.');
          expectCleanExit(run);
          expect(run.stdout).toContain(`"result":"The command printed: ${marker}"`);
          // One tool run only: the cut call never reached the shell.
          expect(run.stdout.match(/"tool_use_result":/g)).toHaveLength(1);
        } finally {
          openai.respondWith(chatTurn);
        }
        const records = await recordsOf(ROUTES.claudeToOpenAI, (rs) => rs.filter((r) => r.status === 200).length >= 3);
        expect(records.find((r) => r.errorCode)).toMatchObject({
          errorCode: 'GW_ERR_UPSTREAM_STREAM',
          errorMessage: expect.stringMatching(
            /^upstream stream failed after it started: connection reset \(cut after [1-9]\d* bytes of the response\)$/,
          ),
        });
      });

      it('Codex to Anthropic reconnects and runs the whole call once', async () => {
        const marker = await writeMarker(ws());
        let cut = 0;
        anthropic.respondWith((request: RecordedRequest) => {
          const turn = messagesTurn(request);
          const asksForTool = turn?.kind === 'reply' && JSON.stringify(turn).includes('"tool_use"');
          // message_start, content_block_start, one input_json_delta, then the connection drops.
          return asksForTool && cut++ === 0 ? { kind: 'break', after: 3, reply: turn } : turn;
        });
        try {
          const run = await codex(ROUTES.codexToAnthropic, 'Please run `cat marker.txt` for me.');
          expectCleanExit(run);
          expect(run.stdout).toContain('Reconnecting... 1/5 (stream disconnected before completion:');
          expect(run.stdout.match(/"type":"item\.completed","item":\{[^}]*"type":"command_execution"/g)).toHaveLength(
            1,
          );
          expect(run.stdout).toContain(marker);
        } finally {
          anthropic.respondWith(messagesTurn);
        }
      });
    });

    it('Claude Code gets its answer from the fallback when the first target sends no first byte in time', async () => {
      const expected = word();
      const run = await claude(ROUTES.claudeWithFallback, `Please say \`${expected}\`.`);
      expectCleanExit(run);
      expect(run.stdout).toContain(`"result":"You asked me to say ${expected}."`);
      expect(run.stdout).not.toContain('api_retry');
      const [record] = await recordsOf(ROUTES.claudeWithFallback, (rs) => rs.length > 0);
      expect(record).toMatchObject({ status: 200, routeMode: 'fallback', provider: 'gem', errorCode: null });
      expect(record?.attempts).toEqual([
        expect.objectContaining({
          provider: 'silent',
          errorClass: 'timeout',
          error: 'timed out waiting for the first byte',
        }),
        expect.objectContaining({ provider: 'gem', status: 200 }),
      ]);
    });

    describe('Ctrl-C while Gemini streams the answer', () => {
      it.each([
        { agent: 'Claude Code', model: ROUTES.claudeToGemini },
        { agent: 'Codex', model: ROUTES.codexToGemini },
      ])('$agent: a 499 record with the prompt size Gemini had reported, not an estimate', async ({ agent, model }) => {
        gemini.enqueue({ kind: 'stall', after: 2, reply: promptReportingAnswer });
        const prompt = `Please say \`${word()}\`.`;
        const run =
          agent === 'Codex'
            ? await codex(model, prompt, geminiStreaming())
            : await claude(model, prompt, geminiStreaming());
        expect(run.stdout).not.toContain('You asked me to say');
        const records = await recordsOf(model, (rs) => rs.some((r) => r.status === 499));
        const cancelled = records.find((r) => r.status === 499);
        expect(cancelled).toMatchObject({ errorCode: 'GW_ERR_CLIENT_CLOSED' });
        expect(cancelled?.attempts).toEqual([expect.not.objectContaining({ errorClass: expect.anything() })]);
        expectReportedUsageSoFar(cancelled);
      });
    });
  },
  AGENT_TIMEOUT_MS,
);
