import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import type { RecordedRequest } from '../fakes/fake-server.js';
import { FakeVertex } from '../fakes/fake-vertex.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import {
  AGENT_TIMEOUT_MS,
  blockWorkspace,
  expectCleanExit,
  lastRecord,
  word,
  writeMarker,
} from './support/agent-steps.js';
import { agentInstalled, CLAUDE, runClaude } from './support/agents.js';
import { AWS_KEYS, CLOUD_TARGETS, type Cloud, CloudFakes } from './support/cloud-fakes.js';
import { chatTurn, messagesTurn } from './support/conversation.js';

/**
 * Claude Code, unchanged, through the gateway's /v1/messages: translated to an OpenAI-compatible model, passed
 * through to an Anthropic one, and to Claude on Vertex AI (service-account token, rawPredict addressing, the
 * model moved from the body to the path and `anthropic_version` added); and translated to the clouds' own APIs:
 * the Gemini API, Gemini on Vertex AI, Bedrock Converse (a Claude model id and an Amazon Nova one) and an Azure
 * OpenAI deployment. The fakes follow the conversation (support/conversation.ts), so a tool answer is only right
 * when the agent really ran the command in its temp dir and sent the output back.
 */

const UPSTREAMS = [
  { upstream: 'openai', model: 'claude-opus-4-6', translated: true },
  { upstream: 'anthropic', model: 'claude-sonnet-4-6', translated: false },
  { upstream: 'vertex', model: 'claude-haiku-4-5', translated: false },
] as const;

const PROVIDER_OF = { openai: 'oai', anthropic: 'ant', vertex: 'vx' } as const;

/** The thought the fakes reason with before answering (support/conversation.ts). */
const THOUGHT = 'The user wants a short answer; I will give it.';

let clouds: CloudFakes;

/** Claude Code's model names, each routed to one cloud model. */
const CLOUDS = [
  { cloud: 'gemini', model: 'gemini-3-pro', thinks: true },
  { cloud: 'vertex-gemini', model: 'claude-sonnet-4-5', thinks: true },
  { cloud: 'bedrock-claude', model: 'claude-opus-4-5', thinks: true },
  { cloud: 'bedrock-nova', model: 'nova-2-lite', thinks: true },
  { cloud: 'azure', model: 'gpt-5', thinks: false },
] as const satisfies ReadonlyArray<{ cloud: Cloud; model: string; thinks: boolean }>;

type Body = Record<string, any>;

/** How each cloud's request must be addressed and authenticated. */
function expectAddressed(cloud: Cloud, request: RecordedRequest): void {
  const target = encodeURIComponent(CLOUD_TARGETS[cloud]);
  const headers = request.headers;
  switch (cloud) {
    case 'gemini':
      expect(request.path).toMatch(
        new RegExp(`^/v1beta/models/${target}:(generateContent|streamGenerateContent\\?alt=sse)$`),
      );
      expect(headers['x-goog-api-key']).toBe(clouds.gemini.apiKey);
      return;
    case 'vertex-gemini':
      expect(request.path).toMatch(
        new RegExp(
          `^/v1/projects/fake-project/locations/us-east5/publishers/google/models/${target}:(generateContent|streamGenerateContent\\?alt=sse)$`,
        ),
      );
      expect(clouds.vertex.issuedTokens).toContain(String(headers.authorization).replace(/^Bearer /, ''));
      return;
    case 'bedrock-claude':
    case 'bedrock-nova':
      expect(request.path).toMatch(new RegExp(`^/model/${target}/converse(-stream)?$`));
      expect(headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${AWS_KEYS.accessKeyId}/`));
      expect(headers['x-amz-security-token']).toBe(AWS_KEYS.sessionToken);
      return;
    case 'azure':
      expect(request.path).toMatch(new RegExp(`^/openai/deployments/${target}/chat/completions\\?api-version=`));
      expect(headers['api-key']).toBe(clouds.azure.apiKey);
  }
}

/** The system prompt and the tool names as the cloud received them. */
function systemAndTools(cloud: Cloud, body: Body): { system: string; tools: string[] } {
  if (cloud === 'gemini' || cloud === 'vertex-gemini') {
    return {
      system: (body.systemInstruction?.parts ?? []).map((p: Body) => p.text).join('\n'),
      tools: (body.tools ?? []).flatMap((t: Body) => t.functionDeclarations ?? []).map((f: Body) => f.name),
    };
  }
  if (cloud === 'azure') {
    return {
      system: body.messages
        .filter((m: Body) => m.role === 'system')
        .map((m: Body) => JSON.stringify(m.content))
        .join('\n'),
      tools: (body.tools ?? []).map((t: Body) => t.function.name),
    };
  }
  return {
    system: (body.system ?? []).map((p: Body) => p.text ?? '').join('\n'),
    tools: (body.toolConfig?.tools ?? []).map((t: Body) => t.toolSpec.name),
  };
}

/** The shell tool's result as the cloud received it in the next turn (in its own dialect). */
function toolResult(cloud: Cloud, body: Body): unknown {
  if (cloud === 'gemini' || cloud === 'vertex-gemini') {
    return body.contents.flatMap((c: Body) => c.parts).find((p: Body) => p.functionResponse)?.functionResponse;
  }
  if (cloud === 'azure') return body.messages.find((m: Body) => m.role === 'tool');
  return body.messages.flatMap((m: Body) => m.content).find((b: Body) => b.toolResult)?.toolResult;
}

function expectedToolResult(cloud: Cloud, marker: string): unknown {
  const printed = expect.stringContaining(marker);
  if (cloud === 'gemini' || cloud === 'vertex-gemini') return { name: 'Bash', response: { result: printed } };
  if (cloud === 'azure') return expect.objectContaining({ tool_call_id: 'call_shell_1', content: printed });
  return { toolUseId: 'tooluse_shell_1', content: [{ text: printed }], status: 'success' };
}

/** The reasoning switch as each cloud's API spells it. */
function reasoningOf(cloud: Cloud, body: Body): unknown {
  if (cloud === 'gemini' || cloud === 'vertex-gemini') return body.generationConfig?.thinkingConfig;
  if (cloud === 'azure') return body.reasoning_effort;
  return cloud === 'bedrock-claude'
    ? body.additionalModelRequestFields?.thinking
    : body.additionalModelRequestFields?.reasoningConfig;
}

const EXPECTED_REASONING: Record<Cloud, unknown> = {
  // Gemini 3 takes Claude Code's effort as the thinkingLevel Google documents for it (its budget is for compatibility).
  gemini: { thinkingLevel: expect.stringMatching(/^(low|high)$/), includeThoughts: true },
  'vertex-gemini': { thinkingBudget: expect.any(Number), includeThoughts: true },
  'bedrock-claude': { type: 'enabled', budget_tokens: expect.any(Number) },
  'bedrock-nova': { type: 'enabled', maxReasoningEffort: expect.stringMatching(/^(low|medium|high)$/) },
  azure: expect.any(String),
};

describe.skipIf(!agentInstalled(CLAUDE, 'Claude Code'))('Claude Code through the gateway', () => {
  let harness: GatewayHarness;
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let vertex: FakeVertex;

  beforeAll(async () => {
    openai = (await FakeOpenAI.start({ name: 'agent-openai' })).respondWith(chatTurn);
    anthropic = (await FakeAnthropic.start({ name: 'agent-anthropic' })).respondWith(messagesTurn);
    vertex = await FakeVertex.start();
    vertex.anthropic.respondWith(messagesTurn);
    clouds = await CloudFakes.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('oai', openai.baseUrl, openai.apiKey, 'openai'),
          fakeProvider('ant', anthropic.baseUrl, anthropic.apiKey, 'anthropic'),
          vertex.providerEntry('vx'),
          ...clouds.providers(),
        ],
        models: [
          { name: 'claude-opus-4-6', targets: [{ provider: 'oai', model: 'gpt-5.2' }] },
          { name: 'claude-sonnet-4-6', targets: [{ provider: 'ant', model: 'claude-sonnet-4-6' }] },
          { name: 'claude-haiku-4-5', targets: [{ provider: 'vx', model: 'claude-haiku-4-5@20251001' }] },
          ...CLOUDS.map(({ cloud, model }) => ({
            name: model,
            targets: [{ provider: CloudFakes.providerOf(cloud), model: CLOUD_TARGETS[cloud] }],
          })),
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
    await clouds?.close();
  });

  describe.each(UPSTREAMS)(
    'to an $upstream upstream',
    ({ upstream, model, translated }) => {
      const requests = () =>
        upstream === 'openai'
          ? openai.requests
          : upstream === 'vertex'
            ? vertex.anthropic.requests
            : anthropic.requests;

      const ws = blockWorkspace();

      it('gives a plain answer', async () => {
        const seen = requests().length;
        const expected = word();
        const run = await runClaude(harness.url, CLIENT_TOKEN, model, `Please say \`${expected}\`.`, ws());
        expectCleanExit(run);
        expect(run.stdout).toContain(`You asked me to say ${expected}.`);
        expect(requests().length).toBeGreaterThan(seen);
        const record = await lastRecord(harness, model);
        expect(record?.provider).toBe(PROVIDER_OF[upstream]);
        if (upstream === 'vertex') {
          expect(vertex.chatRequests('anthropic').at(-1)?.path).toMatch(
            /claude-haiku-4-5@20251001:(stream)?RawPredict$/,
          );
        }
        if (translated) {
          expect(record?.droppedFields).toEqual(expect.arrayContaining(['anthropic-beta', 'context_management']));
        } else expect(record?.droppedFields ?? null).toBeNull();
      });

      it('runs its shell tool in its temp dir and answers with what the command printed', async () => {
        const marker = await writeMarker(ws());
        const seen = requests().length;
        const run = await runClaude(harness.url, CLIENT_TOKEN, model, 'Please run `cat marker.txt` for me.', ws());
        expectCleanExit(run);
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
        const run = await runClaude(harness.url, CLIENT_TOKEN, model, `Please think about \`${topic}\`.`, ws());
        expectCleanExit(run);
        expect(run.stdout).toContain(`Thought about ${topic}.`);
        const sent = requests()
          .slice(seen)
          .map((request) => request.body as Record<string, unknown>)
          .find((body) => JSON.stringify(body).includes(topic));
        if (translated) expect(sent?.reasoning_effort).toEqual(expect.any(String));
        else expect(sent?.thinking).toBeDefined();
      });
    },
    AGENT_TIMEOUT_MS,
  );

  describe.each(CLOUDS)(
    'to the $cloud cloud',
    ({ cloud, model, thinks }) => {
      const requests = () => clouds.requests(cloud);
      const bodiesSince = (seen: number) =>
        requests()
          .slice(seen)
          .map((request) => request.body as Body);

      const ws = blockWorkspace();

      it('gives a plain answer, the request addressed, signed and translated for the cloud', async () => {
        const seen = requests().length;
        const expected = word();
        const run = await runClaude(harness.url, CLIENT_TOKEN, model, `Please say \`${expected}\`.`, ws());
        expectCleanExit(run);
        expect(run.stdout).toContain(`You asked me to say ${expected}.`);
        const sent = requests().slice(seen);
        const main = sent.find((request) => request.rawBody.includes(expected));
        expect(main).toBeDefined();
        for (const request of sent) expectAddressed(cloud, request);
        const { system, tools } = systemAndTools(cloud, main?.body as Body);
        expect(system).toContain('Claude Code');
        expect(tools).toContain('Bash');
        // Anthropic's cache marks are never sent on as they are: Bedrock's Claude and Nova get cache points instead.
        expect(main?.rawBody).not.toContain('cache_control');
        const bedrock = cloud === 'bedrock-claude' || cloud === 'bedrock-nova';
        if (bedrock) expect(main?.rawBody).toContain('{"cachePoint":{"type":"default"');
        const record = await lastRecord(harness, model);
        expect(record?.provider).toBe(CloudFakes.providerOf(cloud));
        // Chat Completions takes the end-user id as `user`; Gemini and Converse have no field for it.
        const dropped =
          cloud === 'azure'
            ? ['cache_control']
            : bedrock
              ? ['metadata.user_id']
              : ['cache_control', 'metadata.user_id'];
        expect(record?.droppedFields).toEqual(expect.arrayContaining(dropped));
        if (bedrock) expect(record?.droppedFields).not.toContain('cache_control');
      });

      it('runs its shell tool in its temp dir and answers with what the command printed', async () => {
        const marker = await writeMarker(ws());
        const seen = requests().length;
        const run = await runClaude(harness.url, CLIENT_TOKEN, model, 'Please run `cat marker.txt` for me.', ws());
        expectCleanExit(run);
        expect(run.stdout).toContain(`The command printed: ${marker}`);
        const results = bodiesSince(seen)
          .map((body) => toolResult(cloud, body))
          .filter(Boolean);
        expect(results.at(-1)).toEqual(expectedToolResult(cloud, marker));
        if (cloud === 'bedrock-claude') {
          // The signed reasoning before the call went back with it, as Claude with thinking on requires.
          const assistant = bodiesSince(seen)
            .flatMap((body) => body.messages.filter((m: Body) => m.role === 'assistant'))
            .at(-1);
          expect(assistant?.content[0]).toEqual({
            reasoningContent: { reasoningText: { text: THOUGHT, signature: 'sig-bedrock-0123456789' } },
          });
        }
      });

      it(thinks ? 'keeps reasoning on, its thought shown' : 'keeps reasoning on', async () => {
        const topic = word();
        const seen = requests().length;
        const run = await runClaude(harness.url, CLIENT_TOKEN, model, `Please think about \`${topic}\`.`, ws());
        expectCleanExit(run);
        expect(run.stdout).toContain(`Thought about ${topic}.`);
        const sent = bodiesSince(seen).find((body) => JSON.stringify(body).includes(topic));
        expect(reasoningOf(cloud, sent as Body)).toEqual(EXPECTED_REASONING[cloud]);
        if (thinks) expect(run.stdout).toContain(THOUGHT);
      });
    },
    AGENT_TIMEOUT_MS,
  );
});
