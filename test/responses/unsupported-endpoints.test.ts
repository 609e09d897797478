import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeOpenAI } from '../fakes/fake-openai.js';
import type { GatewayHarness } from '../support/gateway-harness.js';
import { TwoUpstreams } from '../support/two-upstreams.js';

/**
 * The OpenAI SDK calls the gateway has no state for: cancelling (there are no background responses), compaction,
 * the input-token count, conversation objects and stored chat completions. Each answers in OpenAI's error shape,
 * naming what is unsupported, is recorded, and sends nothing upstream; none reads as a stored response's id.
 */

let gateway: TwoUpstreams;
let harness: GatewayHarness;
let oai: FakeOpenAI;
let client: OpenAI;

beforeAll(async () => {
  gateway = await TwoUpstreams.start();
  ({ harness, oai } = gateway);
  client = harness.openai(undefined, { maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.close();
});

beforeEach(() => gateway.reset());

async function latestRecord(path: string) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const found = (await harness.records(1)).find((record) => record.path === path);
    if (found || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('responses.cancel', () => {
  it('refuses to cancel a stored response: it never ran in the background', async () => {
    oai.enqueue({ kind: 'reply', text: 'done' });
    const created = await client.responses.create({ model: 'via-openai', input: 'hi' });
    await expect(client.responses.cancel(created.id)).rejects.toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      message: expect.stringMatching(/only background responses can be cancelled/),
    });
    // The response is untouched.
    expect((await client.responses.retrieve(created.id)).status).toBe('completed');
    expect(oai.requests).toHaveLength(1);
  });

  it('answers an unknown id as retrieve does', async () => {
    await expect(client.responses.cancel('resp_never_made')).rejects.toMatchObject({
      status: 404,
      code: 'GW_ERR_RESPONSE_NOT_FOUND',
      message: expect.stringContaining("Response with id 'resp_never_made' not found."),
    });
  });
});

describe('endpoints without gateway state', () => {
  it('refuses responses.compact naming the endpoint, upstream untouched', async () => {
    const call = client.responses.compact({ model: 'via-openai', input: 'a long conversation' } as never);
    await expect(call).rejects.toMatchObject({
      status: 404,
      type: 'invalid_request_error',
      code: 'GW_ERR_ENDPOINT_UNSUPPORTED',
      message: expect.stringMatching(/POST \/v1\/responses\/compact is not supported by this gateway/),
    });
    expect(oai.requests).toHaveLength(0);
    const record = await latestRecord('/v1/responses/compact');
    expect(record).toMatchObject({ entryPoint: 'responses', status: 404, errorCode: 'GW_ERR_ENDPOINT_UNSUPPORTED' });
  });

  it('refuses responses.inputTokens.count naming the endpoint (not as a response id)', async () => {
    const call = client.responses.inputTokens.count({ model: 'via-openai', input: 'count me' });
    await expect(call).rejects.toMatchObject({
      status: 404,
      code: 'GW_ERR_ENDPOINT_UNSUPPORTED',
      message: expect.stringMatching(/POST \/v1\/responses\/input_tokens is not supported by this gateway/),
    });
    expect(oai.requests).toHaveLength(0);
  });

  it('refuses conversation objects', async () => {
    await expect(client.conversations.create({})).rejects.toMatchObject({
      status: 404,
      code: 'GW_ERR_ENDPOINT_UNSUPPORTED',
      message: expect.stringMatching(/POST \/v1\/conversations is not supported by this gateway.*conversation/),
    });
    await expect(client.conversations.items.list('conv_123')).rejects.toMatchObject({
      status: 404,
      code: 'GW_ERR_ENDPOINT_UNSUPPORTED',
    });
  });

  it('refuses stored chat completions: retrieve, list, messages, update, delete', async () => {
    const calls = [
      () => client.chat.completions.retrieve('chatcmpl_1'),
      () => client.chat.completions.list(),
      () => client.chat.completions.messages.list('chatcmpl_1'),
      () => client.chat.completions.update('chatcmpl_1', { metadata: { a: 'b' } }),
      () => client.chat.completions.delete('chatcmpl_1'),
    ];
    for (const call of calls) {
      await expect(call()).rejects.toMatchObject({
        status: 404,
        code: 'GW_ERR_ENDPOINT_UNSUPPORTED',
        message: expect.stringMatching(/stored chat completions/),
      });
    }
    const record = await latestRecord('/v1/chat/completions/chatcmpl_1');
    expect(record).toMatchObject({ entryPoint: 'chat.completions', status: 404 });
    expect(oai.requests).toHaveLength(0);
  });

  it('still refuses these without a valid token first', async () => {
    const stranger = harness.openai('amg_not_a_token_0000000000000000', { maxRetries: 0 });
    await expect(stranger.responses.compact({ model: 'via-openai' } as never)).rejects.toMatchObject({ status: 401 });
  });
});
