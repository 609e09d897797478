import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/telemetry/request-record.js';
import { DialectGateway, MODELS } from '../dialects/support/dialect-gateway.js';

/**
 * Golden usage from the Gemini and Bedrock upstream types (and the Responses dialect) through the gateway: the
 * provider's own counting turned into the normalised form (input with cache included, output with reasoning
 * included), streamed and not, and priced from the shipped table under the cloud's model name.
 */

// Gemini: promptTokenCount INCLUDES cachedContentTokenCount; thoughtsTokenCount is apart from candidates and
// billed as output. gemini-3-pro(-preview): $2 input, $0.20 cached, $12 output.
const GEMINI_USAGE = { prompt: 1_000, candidates: 200, cached: 300, thoughts: 100 };
const GEMINI_RECORDED = {
  inputTokens: 1_000,
  cachedTokens: 300,
  cacheWriteTokens: 0,
  outputTokens: 300,
  reasoningTokens: 100,
};
const GEMINI_COST = (700 * 2 + 300 * 0.2 + 300 * 12) / 1e6;

// Bedrock Converse: inputTokens EXCLUDES cacheReadInputTokens and cacheWriteInputTokens. The model id
// us.anthropic.claude-sonnet-4-5-20250929-v1:0 prices as claude-sonnet-4-5: $3, $0.30 read, $3.75 write, $15.
const BEDROCK_USAGE = { input: 100, output: 300, cacheRead: 800, cacheWrite: 100 };
const BEDROCK_RECORDED = { inputTokens: 1_000, cachedTokens: 800, cacheWriteTokens: 100, outputTokens: 300 };
const BEDROCK_COST = (100 * 3 + 800 * 0.3 + 100 * 3.75 + 300 * 15) / 1e6;

let gateway: DialectGateway;

beforeAll(async () => {
  gateway = await DialectGateway.start();
});
afterAll(async () => {
  await gateway?.close();
});

async function chat(model: string, stream: boolean): Promise<void> {
  const openai = gateway.harness.openai();
  const messages = [{ role: 'user' as const, content: 'hi' }];
  if (!stream) await openai.chat.completions.create({ model, messages });
  else for await (const _ of await openai.chat.completions.create({ model, messages, stream })) void _;
}

async function messages(model: string, stream: boolean): Promise<void> {
  const body = { model, max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] };
  const anthropic = gateway.harness.anthropic();
  if (!stream) await anthropic.messages.create(body);
  else await anthropic.messages.stream(body).finalMessage();
}

async function responses(model: string, stream: boolean): Promise<void> {
  const openai = gateway.harness.openai();
  if (!stream) await openai.responses.create({ model, input: 'hi' });
  else for await (const _ of await openai.responses.create({ model, input: 'hi', stream })) void _;
}

const CLIENTS = { chat, messages, responses } as const;

describe('usage from cloud upstream types', () => {
  for (const [clientName, call] of Object.entries(CLIENTS)) {
    for (const stream of [false, true]) {
      const how = stream ? 'streamed' : 'not streamed';
      it(`Gemini to a ${clientName} client, ${how}`, async () => {
        await gateway.skipRecords();
        gateway.geminiUpstream.enqueue({ kind: 'reply', text: 'one two', usage: GEMINI_USAGE });
        await call(MODELS.gemini.name, stream);
        const record: RequestRecord = await gateway.nextRecord();
        expect(record).toMatchObject({ ...GEMINI_RECORDED, usageEstimated: false });
        expect(record.costUsd).toBeCloseTo(GEMINI_COST, 12);
      });

      it(`Bedrock to a ${clientName} client, ${how}`, async () => {
        await gateway.skipRecords();
        gateway.bedrockUpstream.enqueue({ kind: 'reply', text: 'one two', usage: BEDROCK_USAGE });
        await call(MODELS.bedrock.name, stream);
        const record: RequestRecord = await gateway.nextRecord();
        expect(record).toMatchObject({ ...BEDROCK_RECORDED, usageEstimated: false });
        expect(record.costUsd).toBeCloseTo(BEDROCK_COST, 12);
      });
    }
  }
});
