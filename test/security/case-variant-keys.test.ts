import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/**
 * On passthrough the gateway rewrote "model" and forwarded "MODEL"/"Model" beside it untouched; an upstream that
 * matches JSON keys case-insensitively would then serve a model other than the one routed, billed and recorded.
 * Case variants of the fields the gateway reads are refused with a 400 naming the key, before any upstream.
 */
describe('case variants of fields the gateway reads', () => {
  let openaiUpstream: FakeOpenAI;
  let anthropicUpstream: FakeAnthropic;
  let harness: GatewayHarness;

  beforeAll(async () => {
    openaiUpstream = await FakeOpenAI.start();
    anthropicUpstream = await FakeAnthropic.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('oai', openaiUpstream.baseUrl, openaiUpstream.apiKey, 'openai'),
          fakeProvider('ant', anthropicUpstream.baseUrl, anthropicUpstream.apiKey, 'anthropic'),
        ],
        models: [
          { name: 'chat', targets: [{ provider: 'oai', model: 'gpt-4o-mini' }] },
          { name: 'claude', targets: [{ provider: 'ant', model: 'claude-sonnet-4-6' }] },
        ],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await openaiUpstream.close();
    await anthropicUpstream.close();
  });

  it('refuses "MODEL" beside "model" on a chat completion with a 400 naming the key, and sends nothing upstream', async () => {
    const before = openaiUpstream.requests.length;
    const sent = harness.openai().chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
      MODEL: 'gpt-4o',
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const error = (await sent.catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.status).toBe(400);
    expect(error.param).toBe('MODEL');
    expect(error.message).toMatch(/"MODEL" that differs from "model" only in case/);
    expect(openaiUpstream.requests.length).toBe(before);
    const [record] = await harness.records(1);
    expect(record?.status).toBe(400);
    expect(record?.errorCode).toBe('GW_ERR_REQUEST_INVALID');
  });

  it('refuses "Model" and "Stream" on Anthropic messages in the Anthropic error shape', async () => {
    const before = anthropicUpstream.requests.length;
    for (const extra of [{ Model: 'claude-opus-4' }, { Stream: true }]) {
      const sent = harness.anthropic().messages.create({
        model: 'claude',
        max_tokens: 16,
        messages: [{ role: 'user', content: 'hi' }],
        ...extra,
      } as Anthropic.MessageCreateParamsNonStreaming);
      const error = (await sent.catch((e: unknown) => e)) as InstanceType<typeof Anthropic.BadRequestError>;
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect(error.status).toBe(400);
      const body = error.error as { type: string; error: { type: string; message: string } };
      expect(body.type).toBe('error');
      expect(body.error.type).toBe('invalid_request_error');
      expect(body.error.message).toContain(`"${Object.keys(extra)[0]}"`);
    }
    expect(anthropicUpstream.requests.length).toBe(before);
  });

  it('still forwards an ordinary passthrough body byte for byte, lower-case extension fields included', async () => {
    const answer = await harness.openai().chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
      extra_flag: 'kept',
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(answer.choices[0]?.message).toBeDefined();
    const last = openaiUpstream.requests.at(-1);
    expect(JSON.stringify(last?.body)).toContain('"extra_flag":"kept"');
    expect(JSON.stringify(last?.body)).toContain('"model":"gpt-4o-mini"');
  });
});
