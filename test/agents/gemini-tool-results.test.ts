import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeminiBehaviour } from '../fakes/fake-gemini.js';
import { FakeGemini } from '../fakes/fake-gemini.js';
import type { RecordedRequest } from '../fakes/fake-server.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { AGENT_TIMEOUT_MS, blockWorkspace, expectCleanExit, word } from './support/agent-steps.js';
import { agentInstalled, CLAUDE, CODEX, runClaude, runCodex } from './support/agents.js';

/**
 * Claude Code's tool results on Gemini, beyond one call with text: parallel calls of its shell tool, whose
 * results it sends back in the order the commands finished, and its Read tool on an image (and Codex's
 * view_image, whose result is an image too). The fake reads the
 * results as Gemini does: a response answers the call of its name at the same position (Gemini has no call
 * ids), and an image is only seen as an inline part of the turn.
 */

type Part = {
  text?: string;
  functionCall?: { name: string; args: Record<string, unknown> };
  functionResponse?: { name: string; response: { result?: string; error?: string } };
  inlineData?: { mimeType: string; data: string };
};
type Body = {
  contents: Array<{ role: string; parts: Part[] }>;
  tools?: Array<{ functionDeclarations?: Array<{ name: string }> }>;
};

/** A 1×1 PNG, as Claude Code's Read tool sends an image file back (base64 in the tool result). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const TASK = /\b(run both|look at) `([^`]+)`(?: and `([^`]+)`)?/;

/** Each call's command paired with the response at its position among the responses to its name. */
function answered(calls: Part[], responses: Part[]): Array<[string, string]> {
  const seen = new Map<string, number>();
  return calls.map((call) => {
    const name = call.functionCall?.name ?? '';
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    const response = responses.filter((p) => p.functionResponse?.name === name)[n]?.functionResponse?.response;
    return [String(call.functionCall?.args.command), response?.result ?? response?.error ?? '(none)'];
  });
}

function turn(request: RecordedRequest): GeminiBehaviour | undefined {
  const body = request.body as Body | undefined;
  if (!body?.contents) return undefined;
  const texts = body.contents.filter((c) => c.role === 'user').flatMap((c) => c.parts.map((p) => p.text ?? ''));
  const task = texts.map((text) => TASK.exec(text)).findLast(Boolean);
  if (!task?.[2]) return { kind: 'reply', text: 'Nothing to do.' };
  const last = body.contents.at(-1);
  const model = body.contents.at(-2);
  if (last?.parts.some((p) => p.functionResponse) && model?.role === 'model') {
    const calls = model.parts.filter((p) => p.functionCall);
    const pairs = answered(calls, last.parts).map(([command, result]) => `${command} printed ${result.trim()}`);
    const images = last.parts
      .filter((p) => p.inlineData)
      .map((p) => `${p.inlineData?.mimeType} of ${p.inlineData?.data.length}`);
    return { kind: 'reply', text: `Calls: ${pairs.join('; ')}. Images: ${images.join(', ') || 'none'}.` };
  }
  const signature = Buffer.from('gemini-tool-results').toString('base64');
  if (task[1] === 'look at') {
    // Codex views an image with its view_image tool, Claude Code with Read.
    const tools = (body.tools ?? []).flatMap((t) => t.functionDeclarations ?? []).map((f) => f.name);
    const view = tools.includes('view_image')
      ? { name: 'view_image', args: { path: task[2] } }
      : { name: 'Read', args: { file_path: task[2] } };
    return { kind: 'reply', toolCalls: [{ ...view, signature }] };
  }
  const bash = (command: string) => ({ name: 'Bash', args: { command, description: 'Run it' } });
  return { kind: 'reply', toolCalls: [{ ...bash(task[2]), signature }, bash(task[3] ?? '')] };
}

describe.skipIf(!agentInstalled(CLAUDE, 'Claude Code'))("Claude Code's tool results on Gemini", () => {
  let harness: GatewayHarness;
  let gemini: FakeGemini;

  beforeAll(async () => {
    gemini = (await FakeGemini.start()).respondWith(turn);
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('gem', gemini.baseUrl, gemini.apiKey, 'gemini')],
        models: [{ name: 'gemini-3-pro', targets: [{ provider: 'gem', model: 'gemini-3-pro-preview' }] }],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await gemini?.close();
  });

  const ws = blockWorkspace();

  it(
    'answers each of two parallel shell calls with its own output, though the second finished first',
    async () => {
      const [first, second] = [word(), word()];
      const prompt = `Please run both \`sleep 2; echo ${first}\` and \`echo ${second}\`.`;
      const run = await runClaude(harness.url, CLIENT_TOKEN, 'gemini-3-pro', prompt, ws());
      expectCleanExit(run);
      expect(run.stdout).toContain(
        `Calls: sleep 2; echo ${first} printed ${first}; echo ${second} printed ${second}. Images: none.`,
      );
    },
    AGENT_TIMEOUT_MS,
  );

  it(
    'reads an image file with its Read tool, and Gemini gets the image inline in the same turn',
    async () => {
      const file = join(ws().cwd, 'pixel.png');
      await writeFile(file, PNG);
      const run = await runClaude(harness.url, CLIENT_TOKEN, 'gemini-3-pro', `Please look at \`${file}\`.`, ws());
      expectCleanExit(run);
      expect(run.stdout).toContain(`Images: image/png of ${PNG.toString('base64').length}.`);
    },
    AGENT_TIMEOUT_MS,
  );
  it.skipIf(!agentInstalled(CODEX, 'Codex'))(
    "Codex's view_image result reaches Gemini as the image inline in the same turn",
    async () => {
      const file = join(ws().cwd, 'codex-pixel.png');
      await writeFile(file, PNG);
      const run = await runCodex(harness.url, CLIENT_TOKEN, 'gemini-3-pro', `Please look at \`${file}\`.`, ws());
      expectCleanExit(run);
      expect(run.stdout).toContain('Images: image/png of ');
    },
    AGENT_TIMEOUT_MS,
  );
});
