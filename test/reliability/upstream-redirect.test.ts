import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { type ScriptedUpstream, scriptedUpstream } from '../support/scripted-upstream.js';

/**
 * An upstream that answers with a redirect (a base_url on http that the service moves to https, a moved
 * deployment) to another host: never followed, as the request carries the provider's key. The attempt fails
 * as a server error of its target, said as a redirect with the host it named, so the route falls back and the
 * operator knows what to fix; the other host hears nothing.
 */
describe('an upstream that answers with a redirect', () => {
  let upstream: ScriptedUpstream;
  let elsewhere: FakeOpenAI;
  let backup: FakeOpenAI;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    upstream = await scriptedUpstream();
    elsewhere = await FakeOpenAI.start({ name: 'elsewhere' });
    backup = await FakeOpenAI.start({ name: 'backup' });
    gateway = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('moved', `${upstream.origin}/v1`), fakeProvider('backup', backup.baseUrl)],
        models: [
          { name: 'solo', targets: [{ provider: 'moved', model: 'm' }] },
          {
            name: 'chain',
            targets: [
              { provider: 'moved', model: 'm' },
              { provider: 'backup', model: 'm' },
            ],
          },
        ],
        routing: { retries: { max_attempts: 1 }, cooldown: { failures: 100, window_s: 30, cooldown_s: 30 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
    await elsewhere.close();
    await backup.close();
  });

  const redirect = (status: number) => {
    upstream.next.push((_req, res) => {
      res.writeHead(status, { location: `${elsewhere.baseUrl}/chat/completions?key=secret` }).end();
    });
  };
  const said = (status: number) =>
    `the upstream answered ${status}, a redirect to 127.0.0.1:${elsewhere.server.port}, which the gateway does not follow (check the provider's base_url)`;

  it('non-streamed, an OpenAI client: a 502 naming the redirect, recorded as the attempt failed', async () => {
    redirect(301);
    const error = await gateway
      .openai()
      .chat.completions.create({ model: 'solo', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: Error & { status?: number }) => e);
    expect(error).toMatchObject({ status: 502, message: expect.stringContaining(said(301)) });
    const record = await gateway.recordWhere(() => true);
    expect(record.attempts).toEqual([
      expect.objectContaining({ provider: 'moved', status: 301, errorClass: 'server_error', error: said(301) }),
    ]);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('streamed, an Anthropic client: its own error shape naming the redirect', async () => {
    redirect(307);
    const error = await (async () => {
      const stream = await gateway.anthropic().messages.create({
        model: 'solo',
        max_tokens: 20,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      });
      for await (const _ of stream) {
        // drained
      }
    })().catch((e: Error & { status?: number; error?: unknown }) => e);
    expect(error).toMatchObject({
      status: 502,
      error: { type: 'error', error: { message: expect.stringContaining(said(307)) } },
    });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('falls back to the next target', async () => {
    redirect(308);
    const { data, response } = await gateway
      .openai()
      .chat.completions.create({ model: 'chain', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello from backup');
    expect(response.headers.get('x-gateway-provider')).toBe('backup');
    expect(elsewhere.requests).toHaveLength(0);
  });
});
