import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeBedrock } from '../fakes/fake-bedrock.js';
import { FakeGemini } from '../fakes/fake-gemini.js';
import { ServeProcess } from '../support/cli-process.js';
import { stopWithStreamsOpen } from '../support/shutdown-records.js';

const TOKEN = 'amg_cloud_shutdown_token_0123456789';
const BEDROCK_KEY = 'ABSKcloud-shutdown-key-0123456789';

/**
 * SIGTERM with translated streams (Gemini's SSE, Bedrock's event stream, Anthropic for an OpenAI client) still
 * running when `shutdown_grace_ms` ends: each client gets its own dialect's error event, and every record is
 * written before the process exits, with the bytes delivered and the usage known so far.
 */
describe('SIGTERM with translated cloud streams past the grace period', () => {
  let dir: string;
  let gemini: FakeGemini;
  let bedrock: FakeBedrock;
  let anthropic: FakeAnthropic;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-cloud-shutdown-'));
    [gemini, bedrock, anthropic] = await Promise.all([
      FakeGemini.start(),
      FakeBedrock.start({ apiKey: BEDROCK_KEY }),
      FakeAnthropic.start(),
    ]);
    await writeFile(
      join(dir, 'gateway.yaml'),
      `storage: sqlite:./data/gateway.db
server: { listen: 127.0.0.1:8080, shutdown_grace_ms: 300 }
clients: [{ name: app, token: ${TOKEN} }]
providers:
  - { name: gem, type: gemini, base_url: "${gemini.baseUrl}", api_key: ${gemini.apiKey}, allow_private_network: true }
  - { name: aws, type: bedrock, base_url: "${bedrock.endpoint}", api_key: ${BEDROCK_KEY}, allow_private_network: true }
  - { name: claude, type: anthropic, base_url: "${anthropic.baseUrl}", api_key: ${anthropic.apiKey}, allow_private_network: true }
models:
  - { name: flash, targets: [{ provider: gem, model: gemini-2.5-flash }] }
  - { name: nova, targets: [{ provider: aws, model: amazon.nova-pro-v1:0 }] }
  - { name: sonnet, targets: [{ provider: claude, model: claude-sonnet-4-5 }] }
`,
    );
  });
  afterAll(async () => {
    await Promise.all([gemini.close(), bedrock.close(), anthropic.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('ends every stream with its dialect error event and writes each record with bytes sent and usage', async () => {
    const serve = await ServeProcess.start([], { cwd: dir, env: { AMG_ADMIN_TOKEN: 'amg_admin_cloud_shutdown' } });
    // Each upstream sends a few events and then nothing, as a model thinking for minutes would.
    gemini.enqueue({ kind: 'stall', after: 2 });
    gemini.enqueue({ kind: 'stall', after: 2 });
    bedrock.enqueue({ kind: 'stall', after: 3 });
    anthropic.enqueue({ kind: 'stall', after: 4 });
    const openai = new OpenAI({ apiKey: TOKEN, baseURL: `${serve.url}/v1`, maxRetries: 0 });
    const claude = new Anthropic({ apiKey: TOKEN, baseURL: serve.url, maxRetries: 0 });

    const chatFromGemini = (
      await openai.chat.completions.create({
        model: 'flash',
        messages: [{ role: 'user', content: 'think long' }],
        stream: true,
        stream_options: { include_usage: true },
      })
    )[Symbol.asyncIterator]();
    const responsesFromGemini = (await openai.responses.create({ model: 'flash', input: 'think long', stream: true }))[
      Symbol.asyncIterator
    ]();
    const messagesFromBedrock = claude.messages
      .stream({ model: 'nova', max_tokens: 64, messages: [{ role: 'user', content: 'think long' }] })
      [Symbol.asyncIterator]();
    const chatFromAnthropic = (
      await openai.chat.completions.create({
        model: 'sonnet',
        messages: [{ role: 'user', content: 'think long' }],
        stream: true,
      })
    )[Symbol.asyncIterator]();
    const iterators = [chatFromGemini, responsesFromGemini, messagesFromBedrock, chatFromAnthropic];
    // Every client has its first event before the signal.
    for (const iterator of iterators) expect((await iterator.next()).done).toBe(false);

    const rows = await stopWithStreamsOpen(serve, iterators, dir);
    expect(rows.map((row) => `${row.entryPoint} ${row.provider}`).sort()).toEqual([
      'chat.completions claude',
      'chat.completions gem',
      'messages aws',
      'responses gem',
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({ stream: true, status: 200, errorCode: 'GW_ERR_SHUTTING_DOWN' });
      expect(row.errorMessage).toMatch(
        /shutting down.*shutdown_grace_ms = 300 ms.* \(cut after [1-9]\d* bytes of the response\)$/,
      );
      // What the client was sent, and what it used so far (reported or estimated), are on the record.
      expect(row.inputTokens, JSON.stringify(row)).toBeGreaterThan(0);
      expect(row.outputTokens, JSON.stringify(row)).toBeGreaterThan(0);
    }
  });
});
