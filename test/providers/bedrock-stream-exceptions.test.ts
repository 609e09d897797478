import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBedrock } from '../fakes/fake-bedrock.js';
import { anthropicStreamEvents } from '../support/anthropic-stream.js';
import { GatewayHarness } from '../support/gateway-harness.js';

const KEY = 'ABSKbedrock-stream-exceptions-0123';

/**
 * ConverseStream's own exception messages arriving after the answer started (the stream is already the
 * client's, so nothing can be retried): each reaches the client as its dialect's stream error, with the
 * exception's meaning kept, and the record says the stream broke. ModelNotReadyException comes as an HTTP
 * 429 before any event and is a rate limit the client may retry.
 */
describe('bedrock exceptions inside the event stream', () => {
  let fake: FakeBedrock;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    fake = await FakeBedrock.start({ apiKey: KEY });
    gateway = await GatewayHarness.start({
      config: {
        providers: [
          { name: 'aws', type: 'bedrock', base_url: fake.endpoint, api_key: KEY, allow_private_network: true },
        ],
        models: [
          { name: 'claude-aws', targets: [{ provider: 'aws', model: 'anthropic.claude-sonnet-4-5-20250929-v1:0' }] },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await fake.close();
  });

  it.each([
    ['throttlingException', 'Too many tokens, please wait before trying again.', 'rate_limit_error'],
    ['serviceUnavailableException', 'Bedrock is unable to process your request.', 'overloaded_error'],
    ['internalServerException', 'The server encountered an internal error.', 'api_error'],
    ['modelStreamErrorException', 'The model stream encountered an error.', 'api_error'],
    ['modelTimeoutException', 'Model has timed out in processing the request.', 'timeout_error'],
    ['validationException', 'The model returned an invalid response.', 'invalid_request_error'],
  ])(
    '%s mid-stream: an Anthropic client gets its error event after the text so far',
    async (exception, message, type) => {
      fake.enqueue({ kind: 'streamError', after: 3, exception, message });
      const { events, error } = await anthropicStreamEvents(gateway.anthropic(), 'claude-aws');
      expect(events.slice(0, 2)).toEqual(['message_start', 'content_block_start']);
      expect(events).not.toContain('message_stop');
      expect(error?.message).toContain(message);
      expect(error?.error).toMatchObject({ type: 'error', error: { type } });
      const [record] = await gateway.records(1);
      expect(record).toMatchObject({ status: 200, stream: true, errorCode: 'GW_ERR_UPSTREAM_STREAM' });
      expect(record?.attempts).toMatchObject([{ provider: 'aws', errorClass: 'stream_error' }]);
    },
  );

  it('throttlingException mid-stream: an OpenAI client’s stream ends in an error naming the throttle', async () => {
    fake.enqueue({
      kind: 'streamError',
      after: 3,
      exception: 'throttlingException',
      message: 'Too many requests, slow down.',
    });
    let text = '';
    const failure = await (async () => {
      const stream = await gateway.openai().chat.completions.create({
        model: 'claude-aws',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      });
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e as Error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain('Too many requests, slow down.');
    expect(text.length).toBeGreaterThan(0);
  });

  it('ModelNotReadyException (HTTP 429 before the stream) is a rate limit for the client, with its message', async () => {
    fake.enqueue({
      kind: 'error',
      status: 429,
      exception: 'ModelNotReadyException',
      message: 'Model is not ready for inference. Wait and try your request again.',
    });
    const error = await gateway
      .openai(undefined, { maxRetries: 0 })
      .chat.completions.create({ model: 'claude-aws', stream: true, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e as Error & { status?: number });
    expect(error).toMatchObject({ status: 429 });
    expect((error as Error).message).toContain('Model is not ready for inference');
    const [record] = await gateway.records(1);
    expect(record?.attempts).toMatchObject([{ provider: 'aws', status: 429, errorClass: 'rate_limit' }]);
  });

  // Bedrock names an HTTP error's exception in `x-amzn-errortype`, not in its `{"message"}` body, and the AWS SDK
  // classifies by it: a relayed 4xx carries the exception as its code, its type following the exception.
  it.each([
    [
      400,
      'ValidationException',
      'Malformed input request: #: extraneous key [foo] is not permitted',
      'invalid_request_error',
    ],
    [
      404,
      'ResourceNotFoundException',
      'Model use case details have not been submitted for this account.',
      'invalid_request_error',
    ],
  ])('%i %s reaches an OpenAI client with its exception as the code', async (status, exception, message, type) => {
    fake.enqueue({ kind: 'error', status, exception, message });
    const error = await gateway
      .openai()
      .chat.completions.create({ model: 'claude-aws', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(status);
    expect(apiError.message).toContain(message);
    expect(apiError.code).toBe(exception);
    expect(apiError.type).toBe(type);
  });
});

describe('bedrock exceptions as the event stream’s first message', () => {
  const EXCEPTIONS = [
    'throttlingException',
    'serviceUnavailableException',
    'internalServerException',
    'modelStreamErrorException',
    'modelTimeoutException',
    'validationException',
  ];
  let fake: FakeBedrock;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    fake = await FakeBedrock.start({ apiKey: KEY });
    const bedrock = (name: string) => ({
      name,
      type: 'bedrock',
      base_url: fake.endpoint,
      api_key: KEY,
      allow_private_network: true,
    });
    // A first target per exception, so one test's cooled target is not the next one's.
    gateway = await GatewayHarness.start({
      config: {
        providers: [...EXCEPTIONS.map((exception) => bedrock(`first-${exception}`)), bedrock('aws-west')],
        models: EXCEPTIONS.flatMap((exception) => [
          {
            name: `first-${exception}`,
            targets: [{ provider: `first-${exception}`, model: 'anthropic.claude-sonnet-4-5-20250929-v1:0' }],
          },
          {
            name: `fallback-${exception}`,
            targets: [
              { provider: `first-${exception}`, model: 'anthropic.claude-sonnet-4-5-20250929-v1:0' },
              { provider: 'aws-west', model: 'anthropic.claude-haiku-4-5-20251001-v1:0' },
            ],
          },
        ]),
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await fake.close();
  });

  // The same exceptions as the stream's first message: nothing has reached the client, so the attempt fails and
  // the next target answers; a validationException blames the request, which no other target would take
  // either, so it is the client's 400 with Bedrock's message.
  it.each([
    ['throttlingException', 'rate_limit'],
    ['serviceUnavailableException', 'server_error'],
    ['internalServerException', 'server_error'],
    ['modelStreamErrorException', 'server_error'],
    ['modelTimeoutException', 'timeout'],
  ])(
    '%s as the first message fails the attempt before any byte: the fallback answers',
    async (exception, errorClass) => {
      fake.enqueue({ kind: 'streamError', after: 0, exception, message: `${exception} from Bedrock` });
      fake.enqueue({ kind: 'reply', text: 'From the other region.' });
      const message = await gateway
        .anthropic()
        .messages.stream({
          model: `fallback-${exception}`,
          max_tokens: 50,
          messages: [{ role: 'user', content: 'hi' }],
        })
        .finalMessage();
      expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'From the other region.' })]);
      const [record] = await gateway.records(1);
      expect(record).toMatchObject({ status: 200, errorCode: null });
      expect(record?.attempts.map((a) => [a.provider, a.errorClass])).toEqual([
        [`first-${exception}`, errorClass],
        ['aws-west', undefined],
      ]);
    },
  );

  it('validationException as the first message is the client’s 400 with Bedrock’s message, not a broken stream', async () => {
    fake.enqueue({ kind: 'streamError', after: 0, exception: 'validationException', message: 'Bad tool schema.' });
    const error = await (async () => {
      const stream = await gateway.anthropic().messages.create({
        model: 'first-validationException',
        max_tokens: 50,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      });
      for await (const _ of stream) {
        // drained: a 400 fails the create itself, before any event
      }
    })().then(
      () => undefined,
      (e: unknown) => e as { status?: number; message: string; error?: unknown },
    );
    expect(error).toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error' } } });
    expect(error?.message).toContain('Bad tool schema.');
    const [record] = await gateway.records(1);
    expect(record).toMatchObject({ status: 400 });
  });
});
