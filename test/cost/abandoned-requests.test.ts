import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/telemetry/request-record.js';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeAzureOpenAI } from '../fakes/fake-azure-openai.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/**
 * Requests the client abandoned after they reached an upstream: the upstream bills them, so the request log (and
 * the budget, settled from it) must too. Each fake holds its answer until the client has gone, so what the
 * gateway saw when the client left does not depend on timing.
 */

const AZURE_KEY = 'azure-resource-key-0123456789';
// 2,000 characters of prompt: about 500 tokens, with a little for the message around it.
const PROMPT = 'word '.repeat(400);

let openaiUpstream: FakeOpenAI;
let anthropicUpstream: FakeAnthropic;
let azure: FakeAzureOpenAI;
let harness: GatewayHarness;

beforeAll(async () => {
  openaiUpstream = await FakeOpenAI.start();
  anthropicUpstream = await FakeAnthropic.start();
  azure = await FakeAzureOpenAI.start({ apiKey: AZURE_KEY });
  harness = await GatewayHarness.start({
    config: {
      providers: [
        fakeProvider('oa', openaiUpstream.baseUrl, openaiUpstream.apiKey),
        fakeProvider('an', anthropicUpstream.baseUrl, anthropicUpstream.apiKey, 'anthropic'),
        {
          name: 'az',
          type: 'azure-openai',
          base_url: azure.endpoint,
          api_key: AZURE_KEY,
          allow_private_network: true,
          responses_api: true,
          pricing: { 'gpt4o-prod': { input: 2.5, output: 10 } },
        },
      ],
      models: [
        { name: 'gpt', targets: [{ provider: 'oa', model: 'gpt-4o-2024-08-06' }] },
        { name: 'claude', targets: [{ provider: 'an', model: 'claude-sonnet-4-5-20250929' }] },
        { name: 'gpt-azure', targets: [{ provider: 'az', model: 'gpt4o-prod' }] },
      ],
    },
  });
});

afterAll(async () => {
  await harness?.close();
  await openaiUpstream?.close();
  await anthropicUpstream?.close();
  await azure?.close();
});

/** Waits until the upstream has the request (a poll of what it recorded, not a guess at how long that takes). */
async function reached(requests: () => readonly unknown[], before: number): Promise<void> {
  while (requests().length <= before) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function abandonedRecord(before: number, entryPoint: string): Promise<RequestRecord> {
  const rows = await harness.records(before + 1);
  const record = rows.find((r) => r.entryPoint === entryPoint && r.status === 499);
  if (!record) throw new Error(`no 499 record of ${entryPoint}`);
  return record;
}

function expectPromptEstimate(record: RequestRecord): void {
  expect(record.usageEstimated).toBe(true);
  expect(record.inputTokens).toBeGreaterThanOrEqual(500);
  expect(record.inputTokens).toBeLessThan(700);
}

describe('requests the client abandoned after they reached an upstream', () => {
  it('bills a same-dialect Anthropic stream left before message_start for the prompt', async () => {
    anthropicUpstream.enqueue({ kind: 'hang' });
    const before = (await harness.records(0)).length;
    const sent = anthropicUpstream.requests.length;
    const controller = new AbortController();
    const pending = harness
      .anthropic(undefined, { maxRetries: 0 })
      .messages.create(
        { model: 'claude', max_tokens: 100, stream: true, messages: [{ role: 'user', content: PROMPT }] },
        { signal: controller.signal },
      );
    await reached(() => anthropicUpstream.requests, sent);
    controller.abort();
    await expect(pending).rejects.toThrow();
    const record = await abandonedRecord(before, 'messages');
    expect(record).toMatchObject({ provider: 'an', upstreamModel: 'claude-sonnet-4-5-20250929', outputTokens: 0 });
    expectPromptEstimate(record);
    expect(record.costUsd).toBeGreaterThan(0);
  });

  it('bills a same-dialect Responses stream cut before response.completed for its prompt and output', async () => {
    // created, in_progress, output_item.added, content_part.added, one text delta; then nothing until the end.
    azure.enqueue({ kind: 'stall', after: 5 });
    const before = (await harness.records(0)).length;
    const passedThrough = azure.responsesRequests.length;
    const controller = new AbortController();
    const stream = await harness
      .openai(undefined, { maxRetries: 0 })
      .responses.create(
        { model: 'gpt-azure', stream: true, store: false, input: PROMPT },
        { signal: controller.signal },
      );
    let deltas = 0;
    try {
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta') {
          deltas++;
          controller.abort();
        }
      }
    } catch {
      // The SDK may raise the abort or end the iteration quietly.
    }
    expect(deltas).toBe(1);
    expect(azure.responsesRequests).toHaveLength(passedThrough + 1);
    const record = await abandonedRecord(before, 'responses');
    expect(record).toMatchObject({ provider: 'az', upstreamModel: 'gpt4o-prod', outputTokens: 1 });
    expectPromptEstimate(record);
    expect(record.costUsd).toBeGreaterThan(0);
  });

  it('bills a non-streamed request left while the upstream answered for the estimate its limits reserved', async () => {
    for (const entry of ['chat.completions', 'messages'] as const) {
      const upstream = entry === 'chat.completions' ? openaiUpstream : anthropicUpstream;
      upstream.enqueue({ kind: 'hang' });
      const before = (await harness.records(0)).length;
      const sent = upstream.requests.length;
      const controller = new AbortController();
      const options = { signal: controller.signal };
      const pending =
        entry === 'chat.completions'
          ? harness
              .openai(undefined, { maxRetries: 0 })
              .chat.completions.create(
                { model: 'gpt', max_tokens: 300, messages: [{ role: 'user', content: PROMPT }] },
                options,
              )
          : harness
              .anthropic(undefined, { maxRetries: 0 })
              .messages.create(
                { model: 'claude', max_tokens: 300, messages: [{ role: 'user', content: PROMPT }] },
                options,
              );
      await reached(() => upstream.requests, sent);
      controller.abort();
      await expect(pending).rejects.toThrow();
      const record = await abandonedRecord(before, entry);
      // The model may answer in full after the gateway left: its cap is billed, as it was reserved.
      expect(record.outputTokens, entry).toBe(300);
      expectPromptEstimate(record);
      expect(record.costUsd, entry).toBeGreaterThan(0);
    }
  });
});
