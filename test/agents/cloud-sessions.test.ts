import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnthropicBehaviour } from '../fakes/fake-anthropic.js';
import type { RecordedRequest } from '../fakes/fake-server.js';
import { CLIENT_TOKEN, GatewayHarness } from '../support/gateway-harness.js';
import { AGENT_TIMEOUT_MS, blockWorkspace, expectCleanExit, word, writeMarker } from './support/agent-steps.js';
import { type AgentRun, agentInstalled, CLAUDE, CODEX, runClaude, runCodex } from './support/agents.js';
import { CLOUD_TARGETS, CloudFakes } from './support/cloud-fakes.js';
import { converseTurn, geminiTurn, messagesTurn } from './support/conversation.js';

/**
 * The agents on the clouds' own APIs, beyond one call per turn: Codex asking for two commands at once (each
 * result must go back paired with its call, in the cloud's shape), the user's Ctrl-C while Bedrock's event
 * stream, an Azure deployment or Claude on Vertex is answering (a client hang-up, never an upstream failure),
 * a request the cloud refuses (the agent shows the cloud's own words, not a dump or "undefined"), and a 429
 * from Gemini 3 on the turn carrying a tool's output, served by Claude on Vertex, Bedrock or Azure instead (the
 * call's id carries Gemini's signature, and Gemini's signed thought has no place on the other clouds).
 */

type Body = Record<string, any>;
type Route = 'gem' | 'bed' | 'az' | 'claude-haiku-4-5' | `${'claude' | 'codex'}-gem-${Fallback}`;
type Fallback = 'vxc' | 'bed' | 'az';

/** The two commands of the parallel turn; each prints a word of its own. */
const COMMANDS = ['echo alpha-one', 'echo beta-two'];
const PRINTED = ['alpha-one', 'beta-two'];

/** A tool turn answered with every result the model got, so the answer shows what went back and in what order. */
const answer = (results: string[]) => ({ kind: 'reply' as const, text: `Results: ${results.join(' | ')}` });

/** Codex's shell tool (exec_command) asked for twice in one Messages answer; the next turn reads both results. */
function parallelMessages(request: RecordedRequest): AnthropicBehaviour {
  const body = request.body as Body;
  const last = body.messages.at(-1).content;
  const results = Array.isArray(last) ? last.filter((b: Body) => b.type === 'tool_result') : [];
  if (results.length > 0) return answer(results.map((r: Body) => `${r.tool_use_id}=${JSON.stringify(r.content)}`));
  const content = COMMANDS.map((cmd, i) => ({
    type: 'tool_use' as const,
    id: `toolu_${i}`,
    name: 'exec_command',
    input: { cmd },
  }));
  return { kind: 'reply' as const, content };
}

/** The same on Gemini: two function calls in one answer, the first one signed (as Gemini 3 sends them). */
function parallelGemini(request: RecordedRequest) {
  const body = request.body as Body;
  const results = body.contents.at(-1).parts.filter((p: Body) => p.functionResponse);
  if (results.length > 0) return answer(results.map((p: Body) => JSON.stringify(p.functionResponse.response)));
  const signature = Buffer.from(`parallel-${word()}`).toString('base64');
  const toolCalls = COMMANDS.map((cmd, i) => ({
    name: 'exec_command',
    args: { cmd },
    ...(i === 0 ? { signature } : {}),
  }));
  return { kind: 'reply' as const, toolCalls };
}

/** The same on Converse: two toolUse blocks, then the toolResults, each naming its toolUseId. */
function parallelConverse(request: RecordedRequest) {
  const body = request.body as Body;
  const results = body.messages.at(-1).content.filter((b: Body) => b.toolResult);
  if (results.length > 0)
    return answer(results.map((b: Body) => `${b.toolResult.toolUseId}=${JSON.stringify(b.toolResult.content)}`));
  const toolCalls = COMMANDS.map((cmd, i) => ({ id: `tooluse_${i}`, name: 'exec_command', input: { cmd } }));
  return { kind: 'reply' as const, toolCalls };
}

/** Gemini's signature on the thought it shows before a call (Gemini 3 with thoughts included). */
const GEMINI_THOUGHT_SIGNATURE = Buffer.from('gemini-thought-before-the-call').toString('base64');

/** How many answers thinkingGemini has started with a signed thought. */
let signedThoughts = 0;

/** The conversation's Gemini turns, with a signed thought first when thoughts are asked for, as Gemini 3 sends it. */
function thinkingGemini(request: RecordedRequest) {
  const turn = geminiTurn(request);
  const thoughts = (request.body as Body | undefined)?.generationConfig?.thinkingConfig?.includeThoughts === true;
  if (!thoughts || turn?.kind !== 'reply') return turn;
  signedThoughts++;
  return { ...turn, thought: { text: 'I will run the command.', signature: GEMINI_THOUGHT_SIGNATURE } };
}

/** The fallback targets after Gemini, by provider entry. */
const FALLBACKS: Record<Fallback, { provider: string; model: string }> = {
  vxc: { provider: 'vxc', model: 'claude-haiku-4-5' },
  bed: { provider: 'bed', model: CLOUD_TARGETS['bedrock-claude'] },
  az: { provider: 'az', model: CLOUD_TARGETS.azure },
};

describe.skipIf(!agentInstalled(CLAUDE, 'Claude Code') || !agentInstalled(CODEX, 'Codex'))(
  'agents on the clouds: parallel calls, Ctrl-C and refusals',
  () => {
    let harness: GatewayHarness;
    let clouds: CloudFakes;

    beforeAll(async () => {
      clouds = await CloudFakes.start();
      clouds.vertex.anthropic.respondWith(messagesTurn);
      harness = await GatewayHarness.start({
        config: {
          providers: [...clouds.providers(), clouds.vertex.providerEntry('vxc')],
          models: [
            { name: 'gem', targets: [{ provider: 'gem', model: CLOUD_TARGETS.gemini }] },
            { name: 'bed', targets: [{ provider: 'bed', model: CLOUD_TARGETS['bedrock-claude'] }] },
            { name: 'az', targets: [{ provider: 'az', model: CLOUD_TARGETS.azure }] },
            { name: 'claude-haiku-4-5', targets: [{ provider: 'vxc', model: 'claude-haiku-4-5' }] },
            ...(['claude', 'codex'] as const).flatMap((agent) =>
              (Object.keys(FALLBACKS) as Fallback[]).map((fallback) => ({
                name: `${agent}-gem-${fallback}`,
                targets: [{ provider: 'gem', model: CLOUD_TARGETS.gemini }, { ...FALLBACKS[fallback] }],
              })),
            ),
          ],
          // Each fallback test's 429 must not cool Gemini for the next one.
          routing: { retries: { max_attempts: 1 }, cooldown: { failures: 100, window_s: 30, cooldown_s: 1 } },
        },
      });
    });

    afterAll(async () => {
      await harness?.close();
      await clouds?.close();
    });

    const ws = blockWorkspace();

    function codex(route: Route, prompt: string, interrupt?: Promise<unknown>): Promise<AgentRun> {
      return runCodex(harness.url, CLIENT_TOKEN, route, prompt, ws(), [], interrupt ? { interrupt } : {});
    }

    function claude(route: Route, prompt: string, interrupt?: Promise<unknown>): Promise<AgentRun> {
      return runClaude(harness.url, CLIENT_TOKEN, route, prompt, ws(), interrupt ? { interrupt } : {});
    }

    describe('Codex asks for two commands at once', () => {
      it.each([
        { cloud: 'Anthropic on Vertex', route: 'claude-haiku-4-5' as const },
        { cloud: 'Gemini', route: 'gem' as const },
        { cloud: 'Bedrock', route: 'bed' as const },
      ])('on $cloud: runs both, and each result goes back with its own call', async ({ route }) => {
        const restore = () =>
          route === 'gem'
            ? clouds.gemini.respondWith(geminiTurn)
            : route === 'bed'
              ? clouds.bedrock.respondWith(converseTurn)
              : clouds.vertex.anthropic.respondWith(messagesTurn);
        if (route === 'gem') clouds.gemini.respondWith(parallelGemini);
        else if (route === 'bed') clouds.bedrock.respondWith(parallelConverse);
        else clouds.vertex.anthropic.respondWith(parallelMessages);
        try {
          const run = await codex(route, 'Please run both commands.');
          expectCleanExit(run);
          expect(run.stdout.match(/"type":"item\.completed","item":\{[^}]*"type":"command_execution"/g)).toHaveLength(
            2,
          );
          const answered = /"type":"agent_message","text":"(Results: [^\n]*)"\}\}/.exec(run.stdout)?.[1] ?? '';
          // Both outputs came back, in call order; on Anthropic and Bedrock each under the id of its call.
          expect(answered.indexOf(PRINTED[0] ?? '')).toBeGreaterThan(-1);
          expect(answered.indexOf(PRINTED[1] ?? '')).toBeGreaterThan(answered.indexOf(PRINTED[0] ?? ''));
          if (route !== 'gem') {
            const ids = route === 'bed' ? ['tooluse_0', 'tooluse_1'] : ['toolu_0', 'toolu_1'];
            expect(answered).toMatch(new RegExp(`${ids[0]}=[^|]*alpha-one[^|]*\\| ${ids[1]}=[^|]*beta-two`));
          }
        } finally {
          restore();
        }
      });
    });

    /** Settles once the fake has a new request and has had a moment to stream its first events. */
    async function streaming(requests: () => RecordedRequest[]): Promise<void> {
      const seen = requests().length;
      while (requests().length === seen) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 700));
    }

    describe('Ctrl-C while the cloud streams the answer', () => {
      const stalls = {
        bed: () => clouds.bedrock.enqueue({ kind: 'stall', after: 3 }),
        az: () => clouds.azure.enqueue({ kind: 'stall', after: 2 }),
        'claude-haiku-4-5': () => clouds.vertex.anthropic.enqueue({ kind: 'stall', after: 2 }),
      };
      const requestsOf = {
        bed: () => clouds.bedrock.chatRequests(),
        az: () => clouds.azure.deploymentRequests(CLOUD_TARGETS.azure),
        'claude-haiku-4-5': () => clouds.vertex.chatRequests('anthropic'),
      };

      it.each([
        { agent: 'Claude Code', cloud: 'Bedrock', route: 'bed' as const },
        { agent: 'Codex', cloud: 'Bedrock', route: 'bed' as const },
        { agent: 'Codex', cloud: 'Azure', route: 'az' as const },
        { agent: 'Claude Code', cloud: 'Vertex (Claude)', route: 'claude-haiku-4-5' as const },
        { agent: 'Codex', cloud: 'Vertex (Claude)', route: 'claude-haiku-4-5' as const },
      ])(
        '$agent on $cloud: a 499 client hang-up, the upstream attempt not counted as failed',
        async ({ agent, route }) => {
          const hangUps = async () =>
            (await harness.records(1)).filter((r) => r.requestedModel === route && r.status === 499);
          const before = (await hangUps()).length;
          stalls[route]();
          const interrupt = streaming(requestsOf[route]);
          const prompt = `Please say \`${word()}\`.`;
          const run =
            agent === 'Codex' ? await codex(route, prompt, interrupt) : await claude(route, prompt, interrupt);
          expect(run.stdout).not.toContain('You asked me to say');
          // This run's hang-up: records come newest first, and the writer lands them a moment late.
          await expect.poll(async () => (await hangUps()).length, { timeout: 5_000 }).toBe(before + 1);
          const [cancelled] = await hangUps();
          expect(cancelled).toMatchObject({ errorCode: 'GW_ERR_CLIENT_CLOSED' });
          expect(cancelled?.attempts).toEqual([expect.objectContaining({ status: 200 })]);
          expect(cancelled?.attempts).toEqual([expect.not.objectContaining({ errorClass: expect.anything() })]);
        },
      );
    });

    describe('the cloud refuses the request (a 400 the agent cannot retry)', () => {
      const refusal = 'Request contains an invalid argument.';

      it("Claude Code shows Gemini's own words", async () => {
        clouds.gemini.respondWith(() => ({
          kind: 'error',
          status: 400,
          message: refusal,
          googleStatus: 'INVALID_ARGUMENT',
        }));
        try {
          const run = await claude('gem', `Please say \`${word()}\`.`);
          expect(run.code).toBe(1);
          expect(run.stdout).toContain(`"result":"API Error: 400 ${refusal}"`);
        } finally {
          clouds.gemini.respondWith(geminiTurn);
        }
      });

      it("Codex ends the turn with Bedrock's own words in OpenAI's error shape", async () => {
        const message = 'The model returned the following errors: messages.0: bad';
        clouds.bedrock.respondWith(() => ({ kind: 'error', status: 400, exception: 'ValidationException', message }));
        try {
          const run = await codex('bed', `Please say \`${word()}\`.`);
          expect(run.code).toBe(1);
          // Codex prints a 400's body as it came (it does so against OpenAI too): OpenAI's shape, Bedrock's words.
          const failed = /"type":"turn\.failed","error":\{"message":"((?:[^"\\]|\\.)*)"/.exec(run.stdout)?.[1];
          expect(JSON.parse(JSON.parse(`"${failed}"`))).toEqual({
            error: { message, type: 'invalid_request_error', param: null, code: 'ValidationException' },
          });
        } finally {
          clouds.bedrock.respondWith(converseTurn);
        }
      });
    });

    describe("a 429 from Gemini 3 on the turn with the tool's output", () => {
      const received = {
        vxc: () => clouds.vertex.chatRequests('anthropic'),
        bed: () => clouds.bedrock.chatRequests(),
        az: () => clouds.azure.deploymentRequests(CLOUD_TARGETS.azure),
      };

      it.each([
        { agent: 'Claude Code', fallback: 'vxc' as const, cloud: 'Claude on Vertex' },
        { agent: 'Codex', fallback: 'vxc' as const, cloud: 'Claude on Vertex' },
        { agent: 'Claude Code', fallback: 'bed' as const, cloud: 'Bedrock' },
        { agent: 'Codex', fallback: 'bed' as const, cloud: 'Bedrock' },
        { agent: 'Claude Code', fallback: 'az' as const, cloud: 'Azure' },
        { agent: 'Codex', fallback: 'az' as const, cloud: 'Azure' },
      ])('$agent: served by $cloud, answered from the output on the same session', async ({ agent, fallback }) => {
        const marker = await writeMarker(ws());
        const route: Route = `${agent === 'Codex' ? 'codex' : 'claude'}-gem-${fallback}`;
        const seen = received[fallback]().length;
        const thoughtsBefore = signedThoughts;
        clouds.gemini.respondWith((request: RecordedRequest) =>
          request.rawBody.includes(marker)
            ? { kind: 'error', status: 429, message: 'Resource exhausted', googleStatus: 'RESOURCE_EXHAUSTED' }
            : thinkingGemini(request),
        );
        try {
          const prompt = 'Please run `cat marker.txt` for me.';
          const run =
            agent === 'Codex'
              ? await runCodex(harness.url, CLIENT_TOKEN, route, prompt, ws(), ['-c', 'model_reasoning_effort="high"'])
              : await claude(route, prompt);
          expectCleanExit(run);
          expect(run.stdout).toContain('The command printed: ');
          expect(run.stdout).toContain(marker);
        } finally {
          clouds.gemini.respondWith(geminiTurn);
        }
        const body = received[fallback]()
          .slice(seen)
          .map((request) => request.rawBody)
          .find((raw) => raw.includes(marker));
        expect(body).toBeDefined();
        // Gemini did sign a thought before the call, and it stayed behind.
        expect(signedThoughts).toBeGreaterThan(thoughtsBefore);
        expect(body).not.toContain(GEMINI_THOUGHT_SIGNATURE);
        // The writer lands the record a moment after the answer.
        const served = async () =>
          (await harness.records(1)).find((r) => r.requestedModel === route && r.routeMode === 'fallback');
        await expect.poll(served, { timeout: 5_000 }).toMatchObject({
          status: 200,
          provider: FALLBACKS[fallback].provider,
          attempts: [
            expect.objectContaining({ provider: 'gem', errorClass: 'rate_limit' }),
            expect.objectContaining({ provider: FALLBACKS[fallback].provider, status: 200 }),
          ],
        });
      });
    });
  },
  AGENT_TIMEOUT_MS,
);
