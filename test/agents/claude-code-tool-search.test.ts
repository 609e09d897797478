import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Behaviour, FakeOpenAI } from '../fakes/fake-openai.js';
import type { RecordedRequest } from '../fakes/fake-server.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { AGENT_TIMEOUT_MS, blockWorkspace, expectCleanExit } from './support/agent-steps.js';
import { agentInstalled, CLAUDE, runClaude } from './support/agents.js';

/**
 * Claude Code declares some tools as deferred and gives the model a ToolSearch tool to load them; its result
 * holds `tool_reference` blocks naming the tools it loaded. On a translated route every tool goes upstream in
 * full, so the reference must reach the model as a note that the tool is ready, not as a 400: refused, Claude
 * Code sent the same turn three times before dropping tool search for the session.
 */

type Body = {
  messages: Array<{ role: string; content?: unknown }>;
  tools?: Array<{ function: { name: string } }>;
};

function turn(request: RecordedRequest): Behaviour | undefined {
  const body = request.body as Body | undefined;
  if (!body?.messages || !request.rawBody.includes('Please load WebFetch.')) return { kind: 'reply', text: 'Nothing.' };
  const result = body.messages.find((m) => m.role === 'tool');
  if (!result) {
    const args = JSON.stringify({ query: 'select:WebFetch' });
    return { kind: 'reply', toolCalls: [{ id: 'call_search', name: 'ToolSearch', arguments: args }] };
  }
  const declared = (body.tools ?? []).some((tool) => tool.function.name === 'WebFetch');
  return { kind: 'reply', text: `Search said: ${String(result.content)} Declared: ${declared}.` };
}

describe.skipIf(!agentInstalled(CLAUDE, 'Claude Code'))("Claude Code's tool search on a translated route", () => {
  let harness: GatewayHarness;
  let openai: FakeOpenAI;

  beforeAll(async () => {
    openai = (await FakeOpenAI.start({ name: 'tool-search' })).respondWith(turn);
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('oai', openai.baseUrl, openai.apiKey, 'openai')],
        models: [{ name: 'claude-opus-4-6', targets: [{ provider: 'oai', model: 'gpt-5.2' }] }],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await openai?.close();
  });

  const ws = blockWorkspace();

  it(
    'loads a deferred tool: the model is told it is ready and finds it declared, with no turn refused',
    async () => {
      const run = await runClaude(harness.url, CLIENT_TOKEN, 'claude-opus-4-6', 'Please load WebFetch.', ws());
      expectCleanExit(run);
      expect(run.stdout).toContain(
        'Search said: Tool WebFetch is loaded: its definition is in the tool list; call it directly. Declared: true.',
      );
      const records = await harness.records(1);
      expect(records.filter((r) => r.status === 400)).toEqual([]);
    },
    AGENT_TIMEOUT_MS,
  );
});
