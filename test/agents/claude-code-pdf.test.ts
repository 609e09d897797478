import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BedrockBehaviour } from '../fakes/fake-bedrock.js';
import type { GeminiBehaviour } from '../fakes/fake-gemini.js';
import { type Behaviour, FakeOpenAI } from '../fakes/fake-openai.js';
import type { RecordedRequest } from '../fakes/fake-server.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { AGENT_TIMEOUT_MS, blockWorkspace, expectCleanExit } from './support/agent-steps.js';
import { agentInstalled, CLAUDE, runClaude } from './support/agents.js';
import { CLOUD_TARGETS, type Cloud, CloudFakes } from './support/cloud-fakes.js';

/**
 * Claude Code's Read tool on a PDF sends the file as a `document` block inside its tool result. On a translated
 * route the document must reach the model in the upstream's own form (a Chat `file` part after the tool
 * message, Gemini inline data after the function response, a Converse `document` in the tool result); a 400
 * here would end the session, since the PDF stays in the conversation for every later turn. Each fake asks for
 * the Read, then answers with the PDF bytes it got back, so the answer is right only if the file arrived whole.
 */

type Body = Record<string, any>;

/** A one-page PDF, small enough to inline; its base64 is what each upstream must receive. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n' +
    '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\n' +
    'xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n' +
    'trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n',
);
const PDF_BASE64 = PDF.toString('base64');

let pdfPath = '';
const read = () => ({ name: 'Read', args: { file_path: pdfPath } });
const asked = (raw: string) => raw.includes('Please read the report.');
/** What the fake answers once the result is in: whether the PDF's bytes reached it, and in which shape. */
const answer = (shape: string, data: unknown) => `Got ${shape}: ${data === PDF_BASE64 ? 'the whole PDF' : 'no PDF'}.`;

function chatTurn(request: RecordedRequest): Behaviour | undefined {
  const body = request.body as Body;
  if (!body?.messages || !asked(request.rawBody)) return { kind: 'reply', text: 'Nothing to do.' };
  if (!body.messages.some((m: Body) => m.role === 'tool')) {
    return {
      kind: 'reply',
      toolCalls: [{ id: 'call_read', name: read().name, arguments: JSON.stringify(read().args) }],
    };
  }
  const parts = body.messages
    .filter((m: Body) => m.role === 'user' && Array.isArray(m.content))
    .flatMap((m: Body) => m.content);
  const file = parts.find((p: Body) => p.type === 'file')?.file;
  return {
    kind: 'reply',
    text: answer('a file part', String(file?.file_data).replace('data:application/pdf;base64,', '')),
  };
}

function geminiTurn(request: RecordedRequest): GeminiBehaviour | undefined {
  const body = request.body as Body;
  if (!body?.contents || !asked(request.rawBody)) return { kind: 'reply', text: 'Nothing to do.' };
  const last = body.contents.at(-1);
  if (!last.parts.some((p: Body) => p.functionResponse)) {
    return { kind: 'reply', toolCalls: [{ ...read(), signature: Buffer.from('pdf-read').toString('base64') }] };
  }
  const inline = last.parts.find((p: Body) => p.inlineData?.mimeType === 'application/pdf')?.inlineData;
  return { kind: 'reply', text: answer('inline data', inline?.data) };
}

function converseTurn(request: RecordedRequest): BedrockBehaviour | undefined {
  const body = request.body as Body;
  if (!body?.messages || !asked(request.rawBody)) return { kind: 'reply', text: 'Nothing to do.' };
  const result = body.messages.at(-1).content.find((b: Body) => b.toolResult)?.toolResult;
  if (!result) return { kind: 'reply', toolCalls: [{ id: 'tooluse_read', name: read().name, input: read().args }] };
  const document = result.content.find((c: Body) => c.document)?.document;
  return { kind: 'reply', text: answer(`a ${document?.format} document`, document?.source.bytes) };
}

const ROUTES = [
  { model: 'claude-opus-4-6', upstream: 'openai', expected: 'Got a file part: the whole PDF.' },
  { model: 'gemini-3-pro', upstream: 'gemini', expected: 'Got inline data: the whole PDF.' },
  { model: 'claude-opus-4-5', upstream: 'bedrock-claude', expected: 'Got a pdf document: the whole PDF.' },
] as const;

describe.skipIf(!agentInstalled(CLAUDE, 'Claude Code'))('Claude Code reads a PDF on translated routes', () => {
  let harness: GatewayHarness;
  let openai: FakeOpenAI;
  let clouds: CloudFakes;

  beforeAll(async () => {
    openai = (await FakeOpenAI.start({ name: 'pdf-openai' })).respondWith(chatTurn);
    clouds = await CloudFakes.start();
    clouds.gemini.respondWith(geminiTurn);
    clouds.bedrock.respondWith(converseTurn);
    const cloud = (name: string, c: Cloud) => ({
      name,
      targets: [{ provider: CloudFakes.providerOf(c), model: CLOUD_TARGETS[c] }],
    });
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('oai', openai.baseUrl, openai.apiKey, 'openai'), ...clouds.providers()],
        models: [
          { name: 'claude-opus-4-6', targets: [{ provider: 'oai', model: 'gpt-5.2' }] },
          cloud('gemini-3-pro', 'gemini'),
          cloud('claude-opus-4-5', 'bedrock-claude'),
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await openai?.close();
    await clouds?.close();
  });

  const ws = blockWorkspace();

  it.each(ROUTES)(
    'to $upstream: the PDF reaches the model and the session goes on',
    async ({ model, expected }) => {
      pdfPath = join(ws().cwd, 'report.pdf');
      await writeFile(pdfPath, PDF);
      const run = await runClaude(harness.url, CLIENT_TOKEN, model, 'Please read the report.', ws());
      expectCleanExit(run);
      expect(run.stdout).toContain(expected);
    },
    AGENT_TIMEOUT_MS,
  );
});
