import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/telemetry/request-record.js';
import { chatDriver } from './support/chat-driver.js';
import { type ClientDriver, usageSeenBy } from './support/client-driver.js';
import { DialectGateway } from './support/dialect-gateway.js';
import { messagesDriver } from './support/messages-driver.js';
import { type ProviderScript, providerScripts } from './support/provider-scripts.js';
import { responsesDriver } from './support/responses-driver.js';

/**
 * The dialect conformance matrix: every client dialect (driven by its official SDK) against every provider type
 * (a fake speaking the provider's real wire format), streamed and not, for each scenario below. A case asserts
 * what the SDK hands the application, what the upstream received in its own format, and the telemetry record.
 */

interface Case {
  driver: ClientDriver;
  provider: ProviderScript;
  stream: boolean;
  gateway: DialectGateway;
}

/** A 1x1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const SIGNATURE = 'EqQBCkYIBxgCKkBsig-unchanged-signature==';

function expectServedRecord(record: RequestRecord, { driver, provider, stream }: Case): void {
  expect(record).toMatchObject({
    status: 200,
    entryPoint: driver.entryPoint,
    provider: provider.provider,
    upstreamModel: provider.upstreamModel,
    stream,
    inputTokens: provider.usage.input,
    outputTokens: provider.usage.output,
    cachedTokens: provider.usage.cacheRead,
    cacheWriteTokens: provider.usage.cacheWrite,
    errorMessage: null,
  });
}

async function text(c: Case): Promise<void> {
  c.provider.replyText('Paris is the capital of France.');
  const ask = { model: c.provider.model, prompt: 'Capital of France?', system: 'Answer in one sentence.' };
  const turn = await c.driver.start({ ...ask, maxTokens: 300, temperature: 0.5 }).send(c.stream);
  expect(turn).toEqual({
    text: 'Paris is the capital of France.',
    toolCalls: [],
    reasoning: '',
    finish: c.driver.finish.end,
    usage: usageSeenBy(c.driver, c.provider.usage),
  });
  expect(c.provider.lastRequest()).toMatchObject({
    model: c.provider.upstreamModel,
    system: 'Answer in one sentence.',
    maxTokens: 300,
    temperature: 0.5,
  });
  expectServedRecord(await c.gateway.nextRecord(), c);
}

async function toolRoundTrip(c: Case): Promise<void> {
  const call = { id: c.provider.callId, name: 'get_weather', arguments: { city: 'Paris', unit: 'c' } };
  c.provider.replyToolCalls([call]);
  const conversation = c.driver.start({ model: c.provider.model, prompt: 'Weather in Paris?', tools: true });
  const first = await conversation.send(c.stream);
  expect(first).toMatchObject({ text: '', toolCalls: [call], finish: c.driver.finish.toolUse });
  expect(c.provider.lastRequest().toolNames).toEqual(['get_weather']);

  conversation.toolResults([{ callId: call.id, text: '18C and sunny' }]);
  c.provider.replyText('It is 18C and sunny in Paris.');
  const second = await conversation.send(c.stream);
  expect(second).toMatchObject({ text: 'It is 18C and sunny in Paris.', toolCalls: [], finish: c.driver.finish.end });
  const received = c.provider.lastRequest();
  expect(received.toolResults).toEqual([{ callId: call.id, text: '18C and sunny' }]);
  expect(received.model).toBe(c.provider.upstreamModel);
  expectServedRecord(await c.gateway.nextRecord(2), c);
}

async function imageInput(c: Case): Promise<void> {
  c.provider.replyText('A single red pixel.');
  const ask = { model: c.provider.model, prompt: 'What is in this image?', image: PNG };
  const turn = await c.driver.start(ask).send(c.stream);
  expect(turn).toMatchObject({ text: 'A single red pixel.', finish: c.driver.finish.end });
  expect(c.provider.lastRequest().images).toMatchObject([c.provider.nativeImage(PNG)]);
  expectServedRecord(await c.gateway.nextRecord(), c);
}

async function thinking(c: Case): Promise<void> {
  const thought = 'The user wants one number; 42 is traditional.';
  c.provider.replyThinking(thought, SIGNATURE, 'Forty-two.');
  const conversation = c.driver.start({ model: c.provider.model, prompt: 'Pick a number', reasoning: true });
  const first = await conversation.send(c.stream);
  expect(first).toMatchObject({ text: 'Forty-two.', reasoning: thought, finish: c.driver.finish.end });
  expect(c.provider.lastRequest().reasoning).toEqual(
    c.provider.reasoningRequestedFrom?.[c.driver.entryPoint] ?? c.provider.reasoningRequested,
  );

  conversation.user('Why that one?');
  c.provider.replyText('Because it is the answer.');
  const second = await conversation.send(c.stream);
  expect(second.text).toBe('Because it is the answer.');
  // Signed thinking must come back unchanged where both the client dialect and the upstream can carry it.
  const carried = (c.provider.type === 'anthropic' || c.provider.type === 'bedrock') && c.driver.carriesSignatures;
  expect(c.provider.lastRequest().thinking).toEqual(carried ? [{ thinking: thought, signature: SIGNATURE }] : []);
  expectServedRecord(await c.gateway.nextRecord(2), c);
}

async function upstreamError(c: Case): Promise<void> {
  const conversation = c.driver.start({ model: c.provider.model, prompt: 'Hello' });
  if (!c.stream) {
    c.provider.rejectRequest('messages: text content blocks must be non-empty');
    const error = await c.driver.error(() => conversation.send(false));
    expect(error).toMatchObject({ className: 'BadRequestError', status: 400, type: 'invalid_request_error' });
    expect(error.message).toContain('messages: text content blocks must be non-empty');
    const record = await c.gateway.nextRecord();
    expect(record).toMatchObject({ status: 400, entryPoint: c.driver.entryPoint, provider: c.provider.provider });
    return;
  }
  c.provider.failMidStream('the upstream fell over mid-stream');
  const error = await c.driver.error(() => conversation.send(true));
  expect(error).toMatchObject({ className: 'APIError', status: undefined, type: c.driver.errorTypes.server });
  expect(error.message).toContain('the upstream fell over mid-stream');
  const record = await c.gateway.nextRecord();
  expect(record).toMatchObject({
    status: 200,
    stream: true,
    entryPoint: c.driver.entryPoint,
    provider: c.provider.provider,
    errorCode: 'GW_ERR_UPSTREAM_STREAM',
  });
  expect(record.errorMessage).toContain('the upstream fell over mid-stream');
}

const SCENARIOS = [
  ['text', text],
  ['tool call round trip', toolRoundTrip],
  ['image input', imageInput],
  ['thinking / reasoning', thinking],
  ['error', upstreamError],
] as const;

let gateway: DialectGateway;

const DRIVERS = [
  { name: 'openai chat.completions', make: () => chatDriver(gateway.harness.openai()) },
  { name: 'anthropic messages', make: () => messagesDriver(gateway.harness.anthropic()) },
  { name: 'openai responses', make: () => responsesDriver(gateway.harness.openai()) },
];
const PROVIDERS = [
  { type: 'openai', pick: () => providerScripts(gateway)[0] as ProviderScript },
  { type: 'anthropic', pick: () => providerScripts(gateway)[1] as ProviderScript },
  { type: 'azure-openai', pick: () => providerScripts(gateway)[2] as ProviderScript },
  { type: 'gemini', pick: () => providerScripts(gateway)[3] as ProviderScript },
  { type: 'bedrock', pick: () => providerScripts(gateway)[4] as ProviderScript },
];
const MODES = [
  { mode: 'non-stream', stream: false },
  { mode: 'stream', stream: true },
];

describe('dialect conformance matrix', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(async () => {
    gateway.reset();
    await gateway.skipRecords();
  });

  describe.each(DRIVERS)('$name client', ({ make }) => {
    describe.each(PROVIDERS)('-> $type upstream', ({ pick }) => {
      describe.each(MODES)('$mode', ({ stream }) => {
        it.each(SCENARIOS)('%s', async (_name, scenario) => {
          await scenario({ driver: make(), provider: pick(), stream, gateway });
        });
      });
    });
  });
});
