import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBedrock } from './fake-bedrock.js';

const KEYS = {
  accessKeyId: 'AKIAFAKEBEDROCK00001',
  secretAccessKey: 'fake-secret-access-key-0123456789',
  sessionToken: 'fake-session-token',
};
const MODEL = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

function client(
  fake: FakeBedrock,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = KEYS,
) {
  // The SDK speaks HTTP/2 by default; the fake (like most local servers) speaks HTTP/1.1.
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: fake.endpoint,
    credentials,
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
}

/** The official AWS SDK pointed straight at the fake: proves the fake speaks Converse, SigV4 and event streams. */
describe('FakeBedrock read by the official @aws-sdk/client-bedrock-runtime', () => {
  let fake: FakeBedrock;

  beforeAll(async () => {
    fake = await FakeBedrock.start({ keys: [KEYS] });
  });
  afterAll(() => fake.close());

  const messages = [{ role: 'user' as const, content: [{ text: 'hi' }] }];

  it('accepts a SigV4-signed Converse request with a session token, and its answer parses', async () => {
    fake.enqueue({ kind: 'reply', text: 'Hello.', usage: { input: 5, output: 2, cacheRead: 3 } });
    const answer = await client(fake).send(new ConverseCommand({ modelId: MODEL, messages }));
    expect(answer.output?.message?.content).toEqual([{ text: 'Hello.' }]);
    expect(answer.usage).toMatchObject({ inputTokens: 5, outputTokens: 2, cacheReadInputTokens: 3 });
    expect(answer.stopReason).toBe('end_turn');
    expect(fake.chatRequests().at(-1)?.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse`);
  });

  it('streams ConverseStream as binary event-stream messages the SDK decodes', async () => {
    fake.enqueue({
      kind: 'reply',
      reasoning: { text: 'thinking it over', signature: 'sig-bedrock' },
      text: 'one two three',
      toolCalls: [{ id: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } }],
    });
    const answer = await client(fake).send(new ConverseStreamCommand({ modelId: MODEL, messages }));
    let text = '';
    let reasoning = '';
    let args = '';
    let signature = '';
    const kinds: string[] = [];
    for await (const event of answer.stream ?? []) {
      kinds.push(Object.keys(event).find((key) => key !== '$unknown') ?? '');
      text += event.contentBlockDelta?.delta?.text ?? '';
      reasoning += event.contentBlockDelta?.delta?.reasoningContent?.text ?? '';
      signature += event.contentBlockDelta?.delta?.reasoningContent?.signature ?? '';
      args += event.contentBlockDelta?.delta?.toolUse?.input ?? '';
      if (event.messageStop) expect(event.messageStop.stopReason).toBe('tool_use');
      if (event.metadata) expect(event.metadata.usage?.outputTokens).toBe(6);
    }
    expect({ text, reasoning, signature, args: JSON.parse(args) }).toEqual({
      text: 'one two three',
      reasoning: 'thinking it over',
      signature: 'sig-bedrock',
      args: { city: 'Paris' },
    });
    expect(kinds[0]).toBe('messageStart');
    expect(kinds.slice(-2)).toEqual(['messageStop', 'metadata']);
  });

  it('refuses a wrong secret key with InvalidSignatureException, as the SDK names it', async () => {
    const wrong = client(fake, { ...KEYS, secretAccessKey: 'not-the-secret' });
    await expect(wrong.send(new ConverseCommand({ modelId: MODEL, messages }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 403 },
    });
  });

  it("refuses a signature 10 minutes off its clock as AWS does, which the SDK corrects from the answer's Date", async () => {
    fake.clockOffsetMs = 10 * 60_000;
    try {
      await expect(client(fake).send(new ConverseCommand({ modelId: MODEL, messages }))).rejects.toMatchObject({
        name: 'InvalidSignatureException',
        $metadata: { httpStatusCode: 403 },
        message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than/),
      });
      // The SDK sets its clock offset from the refusal's Date and signs its retry at AWS's time.
      const retrying = new BedrockRuntimeClient({
        region: 'us-east-1',
        endpoint: fake.endpoint,
        credentials: KEYS,
        requestHandler: new NodeHttpHandler(),
        maxAttempts: 2,
      });
      fake.enqueue({ kind: 'reply', text: 'In step.' });
      const answer = await retrying.send(new ConverseCommand({ modelId: MODEL, messages }));
      expect(answer.output?.message?.content?.[0]?.text).toBe('In step.');
    } finally {
      fake.clockOffsetMs = 0;
    }
  });

  it('refuses an unknown access key and a missing session token', async () => {
    const unknown = client(fake, { ...KEYS, accessKeyId: 'AKIAUNKNOWN000000000' });
    await expect(unknown.send(new ConverseCommand({ modelId: MODEL, messages }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    const { sessionToken: _, ...noToken } = KEYS;
    await expect(client(fake, noToken).send(new ConverseCommand({ modelId: MODEL, messages }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
  });

  it('answers a throttle with 429 ThrottlingException, and a stream failure with an exception message', async () => {
    fake.enqueue({
      kind: 'error',
      status: 429,
      exception: 'ThrottlingException',
      message: 'Too many requests, please wait before trying again.',
    });
    await expect(client(fake).send(new ConverseCommand({ modelId: MODEL, messages }))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 429 },
    });
    fake.enqueue({
      kind: 'streamError',
      after: 3,
      exception: 'modelStreamErrorException',
      message: 'the model fell over',
    });
    const answer = await client(fake).send(new ConverseStreamCommand({ modelId: MODEL, messages }));
    const reading = (async () => {
      for await (const _event of answer.stream ?? []) {
        // Drain until the exception surfaces.
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: 'ModelStreamErrorException', message: 'the model fell over' });
  });
});
