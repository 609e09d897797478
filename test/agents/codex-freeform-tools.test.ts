import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import type { RecordedRequest } from '../fakes/fake-server.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { AGENT_TIMEOUT_MS, blockWorkspace, expectCleanExit, lastRecord, word } from './support/agent-steps.js';
import { agentInstalled, CODEX, runCodex } from './support/agents.js';
import { CLOUD_TARGETS, CloudFakes } from './support/cloud-fakes.js';
import { chatTurn, messagesTurn } from './support/conversation.js';

/**
 * Codex with a model its catalog knows as freeform (gpt-5.5) declares `apply_patch` as a custom tool with a Lark
 * grammar, and edits files only through it. On a translated route the tool goes as a function taking one string;
 * the model's call must come back to Codex as a `custom_tool_call` carrying the raw patch, which Codex applies in
 * its workspace, and the call and its output go back upstream on the next turn. Before custom tools were
 * translated every such request was refused (400 naming `tools[3].type`), so the session could not start.
 */

const MODEL = 'gpt-5.5';

type Upstream = 'openai' | 'anthropic' | 'gemini' | 'bedrock-claude';
const UPSTREAMS: readonly Upstream[] = ['openai', 'anthropic', 'gemini', 'bedrock-claude'];

/** Codex would refuse to write outside a sandbox it cannot set up here; the tests' workspaces are throwaway. */
const UNSANDBOXED = ['--dangerously-bypass-approvals-and-sandbox'];

describe.skipIf(!agentInstalled(CODEX, 'Codex'))('Codex freeform apply_patch on translated routes', () => {
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let clouds: CloudFakes;

  beforeAll(async () => {
    openai = (await FakeOpenAI.start({ name: 'agent-openai' })).respondWith(chatTurn);
    anthropic = (await FakeAnthropic.start({ name: 'agent-anthropic' })).respondWith(messagesTurn);
    clouds = await CloudFakes.start();
  });
  afterAll(async () => {
    await Promise.all([openai?.close(), anthropic?.close(), clouds?.close()]);
  });

  describe.each(UPSTREAMS)(
    'to %s',
    (upstream) => {
      let harness: GatewayHarness;
      const provider = { openai: 'oai', anthropic: 'ant', gemini: 'gem', 'bedrock-claude': 'bed' }[upstream];
      const upstreamModel =
        upstream === 'openai' ? 'gpt-5.5' : upstream === 'anthropic' ? 'claude-sonnet-4-6' : CLOUD_TARGETS[upstream];
      const requests = (): RecordedRequest[] =>
        upstream === 'openai'
          ? openai.requests
          : upstream === 'anthropic'
            ? anthropic.requests
            : clouds.requests(upstream);

      // One gateway per route: Codex picks the freeform tool by the model name, gpt-5.5, so each gets that name.
      beforeAll(async () => {
        const providers = [
          fakeProvider('oai', openai.baseUrl, openai.apiKey, 'openai'),
          fakeProvider('ant', anthropic.baseUrl, anthropic.apiKey, 'anthropic'),
          ...clouds.providers(),
        ];
        const models = [{ name: MODEL, targets: [{ provider, model: upstreamModel }] }];
        harness = await GatewayHarness.start({
          config: { providers, models, routing: { retries: { max_attempts: 1 } } },
        });
      });
      afterAll(async () => harness?.close());

      const ws = blockWorkspace();

      it('creates a file with apply_patch and reads the tool output back', async () => {
        const file = `${word()}.txt`;
        const seen = requests().length;
        const run = await runCodex(harness.url, CLIENT_TOKEN, MODEL, `Please create \`${file}\`.`, ws(), UNSANDBOXED);
        expectCleanExit(run);
        expect(existsSync(join(ws().cwd, file))).toBe(true);
        expect(readFileSync(join(ws().cwd, file), 'utf8')).toBe(`${file}\n`);
        // The patch tool's own report (the file it added) reached the model on the next turn.
        expect(run.stdout).toContain('The command printed: ');
        const later = requests()
          .slice(seen)
          .map((request) => request.rawBody);
        expect(later[0]).toContain('apply_patch');
        expect(later.at(-1)).toContain(`*** Add File: ${file}`);
        const record = await lastRecord(harness, MODEL);
        expect(record?.provider).toBe(provider);
        expect(record?.droppedFields).toContain('tools[].format');
      });
    },
    AGENT_TIMEOUT_MS,
  );
});
