import { APIError as AnthropicError } from '@anthropic-ai/sdk';
import { APIError as OpenAIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/telemetry/request-record.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/** Client keys with model access, rate limits and budgets, through the real SDKs (in-process backend). */
describe('client key limits', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  // A minute's window is passed by moving this clock, not by waiting.
  let clock = Date.parse('2026-12-04T10:00:10Z');

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    upstream.setDefault({ kind: 'reply', delayMs: 20 });
    harness = await GatewayHarness.start({
      now: () => clock,
      config: {
        providers: [
          {
            ...fakeProvider('primary', upstream.baseUrl),
            // $100 per million tokens: the fake's 12 + 6 tokens cost $0.0018.
            pricing: { 'gpt-4o-mini': { input: 100, output: 100 }, 'gpt-4o': { input: 100, output: 100 } },
          },
        ],
        models: [
          { name: 'gpt-4o-mini', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] },
          { name: 'gpt-4o', targets: [{ provider: 'primary', model: 'gpt-4o' }] },
          { name: 'claude-sonnet', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] },
        ],
        clients: [
          { name: 'test-client', token: 'amg_test_client_token_0123456789' },
          { name: 'config-limited', token: 'amg_config_limited_token_0123456789', rpm: 1, tags: { team: 'ops' } },
        ],
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await upstream?.close();
  });

  const createKey = async (body: Record<string, unknown>): Promise<string> => {
    const created = await harness.admin('POST', '/keys', body);
    expect(created.status).toBe(201);
    return created.body.token as string;
  };
  const chat = (token: string, model = 'gpt-4o-mini', extra: Record<string, unknown> = {}) =>
    harness.openai(token).chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'hi' }],
      ...extra,
    });
  const message = (token: string, model = 'gpt-4o-mini') =>
    harness.anthropic(token).messages.create({ model, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
  const refusal = async <T>(call: Promise<T>): Promise<{ status: number; headers: Headers; error: any }> => {
    try {
      await call;
    } catch (error) {
      if (error instanceof OpenAIError || error instanceof AnthropicError) {
        return { status: error.status as number, headers: error.headers as Headers, error: error.error };
      }
      throw error;
    }
    throw new Error('the request was not refused');
  };

  it('lets a key use only the models its patterns match, in both dialects, and lists only those', async () => {
    const token = await createKey({ name: 'mini-only', models: ['gpt-4o-mini*'] });
    await expect(chat(token)).resolves.toMatchObject({ object: 'chat.completion' });

    const openai = await refusal(chat(token, 'gpt-4o'));
    expect(openai.status).toBe(403);
    expect(openai.error.error?.message ?? openai.error.message).toContain('"gpt-4o"');
    const anthropic = await refusal(message(token, 'claude-sonnet'));
    expect(anthropic.status).toBe(403);
    expect(anthropic.error).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect(anthropic.error.error.message).toContain('"claude-sonnet"');

    const listed = await harness.openai(token).models.list();
    expect(listed.data.map((m) => m.id)).toEqual(['gpt-4o-mini']);
    const all = await harness.openai().models.list();
    expect(all.data.map((m) => m.id).sort()).toEqual(['claude-sonnet', 'gpt-4o', 'gpt-4o-mini']);

    const records = (await harness.records(3)).filter((r) => r.client === 'mini-only' && r.status === 403);
    expect(records.map((r) => [r.requestedModel, r.errorCode]).sort()).toEqual([
      ['claude-sonnet', 'GW_ERR_MODEL_FORBIDDEN'],
      ['gpt-4o', 'GW_ERR_MODEL_FORBIDDEN'],
    ]);
  });

  it("pages an Anthropic client's model list as Anthropic does, over only the models the key may use", async () => {
    const token = await createKey({ name: 'paged', models: ['gpt-4o*', 'claude-*'] });
    const anthropic = harness.anthropic(token);
    const first = await anthropic.models.list({ limit: 2 });
    expect(first.data.map((m) => m.id)).toEqual(['gpt-4o-mini', 'gpt-4o']);
    expect(first.has_more).toBe(true);
    const all: string[] = [];
    for await (const model of anthropic.models.list({ limit: 1 })) all.push(model.id);
    expect(all).toEqual(['gpt-4o-mini', 'gpt-4o', 'claude-sonnet']);
    const before = await anthropic.models.list({ before_id: 'claude-sonnet', limit: 1 });
    expect(before.data.map((m) => m.id)).toEqual(['gpt-4o']);
    expect(before.has_more).toBe(true);

    const restricted = await createKey({ name: 'paged-mini', models: ['gpt-4o-mini'] });
    const bad = await refusal(harness.anthropic(restricted).models.list({ after_id: 'gpt-4o' }));
    expect(bad.status).toBe(400);
    expect(bad.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect((await refusal(anthropic.models.list({ limit: 0 }))).status).toBe(400);
  });

  it('refuses a key at its RPM with 429 and the rate-limit headers of each dialect, until the minute ends', async () => {
    const token = await createKey({ name: 'rpm-three', rpm: 3, tpm: 100_000 });
    // Admitted responses carry the key's own limits too, counting down.
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await harness
        .openai(token)
        .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      remaining.push(response.headers.get('x-ratelimit-remaining-requests'));
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('3');
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const openai = await refusal(chat(token));
    expect(openai.status).toBe(429);
    expect(openai.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(openai.error.message).toContain('3 requests per minute');
    expect(openai.headers.get('retry-after')).toBe('50');
    expect(openai.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(openai.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(openai.headers.get('x-ratelimit-reset-requests')).toBe('50s');
    expect(openai.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
    expect(Number(openai.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(100_000);
    expect(openai.headers.get('x-ratelimit-reset-tokens')).toBe('50s');

    const anthropic = await refusal(message(token));
    expect(anthropic.status).toBe(429);
    expect(anthropic.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(anthropic.headers.get('retry-after')).toBe('50');
    expect(anthropic.headers.get('anthropic-ratelimit-requests-limit')).toBe('3');
    expect(anthropic.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    expect(anthropic.headers.get('anthropic-ratelimit-requests-reset')).toBe('2026-12-04T10:01:00Z');
    expect(anthropic.headers.get('anthropic-ratelimit-tokens-limit')).toBe('100000');
    // Anthropic also sends the input- and output-token limits apart; the key's one token limit counts both, so
    // it bounds each of them (and clients reading either header see the key's limit, not nothing).
    const tokensRemaining = anthropic.headers.get('anthropic-ratelimit-tokens-remaining');
    expect(Number(tokensRemaining)).toBeLessThan(100_000);
    for (const part of ['input', 'output']) {
      expect(anthropic.headers.get(`anthropic-ratelimit-${part}-tokens-limit`)).toBe('100000');
      expect(anthropic.headers.get(`anthropic-ratelimit-${part}-tokens-remaining`)).toBe(tokensRemaining);
      expect(anthropic.headers.get(`anthropic-ratelimit-${part}-tokens-reset`)).toBe('2026-12-04T10:01:00Z');
    }

    clock += 60_000;
    await expect(chat(token)).resolves.toMatchObject({ object: 'chat.completion' });
    const admitted = await harness
      .anthropic(token)
      .messages.create({ model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(admitted.response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('1');
    const admittedTokens = admitted.response.headers.get('anthropic-ratelimit-tokens-remaining');
    expect(admitted.response.headers.get('anthropic-ratelimit-input-tokens-limit')).toBe('100000');
    expect(admitted.response.headers.get('anthropic-ratelimit-input-tokens-remaining')).toBe(admittedTokens);
    expect(admitted.response.headers.get('anthropic-ratelimit-output-tokens-remaining')).toBe(admittedTokens);
    expect(admitted.response.headers.get('anthropic-ratelimit-output-tokens-reset')).toBe('2026-12-04T10:02:00Z');
    // OpenAI clients get no Anthropic names.
    const { response: openaiAdmitted } = await harness
      .openai(token)
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect([...openaiAdmitted.headers.keys()].filter((name) => name.startsWith('anthropic-'))).toEqual([]);

    const refused = (await harness.records(8)).filter((r) => r.client === 'rpm-three' && r.status === 429);
    expect(refused).toHaveLength(2);
    expect(refused.every((r) => r.errorCode === 'GW_ERR_RATE_LIMITED')).toBe(true);
  });

  it('applies per-model limits within a key on top of its own', async () => {
    const token = await createKey({ name: 'per-model', model_limits: { 'gpt-4o': { rpm: 1 } } });
    await chat(token, 'gpt-4o');
    const refused = await refusal(chat(token, 'gpt-4o'));
    expect(refused.status).toBe(429);
    expect(refused.error.message).toContain('for models matching "gpt-4o"');
    await expect(chat(token, 'gpt-4o-mini')).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it("reports the tighter of the key's and its model's limits in the headers, so remaining reaches 0 before a 429", async () => {
    const token = await createKey({
      name: 'tight-model',
      rpm: 600,
      tpm: 100_000,
      model_limits: { 'gpt-4o': { rpm: 2, tpm: 5_000 } },
    });
    const admitted = async (model: string) =>
      (
        await harness
          .openai(token)
          .chat.completions.create({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
          .withResponse()
      ).response.headers;
    const first = await admitted('gpt-4o');
    expect(first.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(first.get('x-ratelimit-limit-tokens')).toBe('5000');
    expect(Number(first.get('x-ratelimit-remaining-tokens'))).toBeLessThan(5_000);
    const anthropic = await harness
      .anthropic(token)
      .messages.create({ model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(anthropic.response.headers.get('anthropic-ratelimit-requests-limit')).toBe('2');
    expect(anthropic.response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    expect(anthropic.response.headers.get('anthropic-ratelimit-tokens-limit')).toBe('5000');
    // The RPM refused; the token headers of that refusal are the model's too, not the key's 100k.
    const refused = await refusal(chat(token, 'gpt-4o'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(refused.headers.get('x-ratelimit-limit-tokens')).toBe('5000');
    // Another model is counted by the key's own limits only.
    const other = await admitted('gpt-4o-mini');
    expect(other.get('x-ratelimit-limit-requests')).toBe('600');
    expect(other.get('x-ratelimit-remaining-requests')).toBe('597');
  });

  it('tells a key with tokens left in its minute that the estimate did not fit, and by how much', async () => {
    const token = await createKey({ name: 'tpm-hundred', tpm: 100 });
    const ask = (max_tokens: number) =>
      harness
        .openai(token)
        .chat.completions.create({ model: 'gpt-4o-mini', max_tokens, messages: [{ role: 'user', content: 'hi' }] });
    await ask(60);
    await harness.records();
    const refused = await refusal(ask(90));
    expect(refused.status).toBe(429);
    const left = Number(refused.headers.get('x-ratelimit-remaining-tokens'));
    expect(left).toBeGreaterThan(0);
    expect(refused.error.message).toMatch(
      new RegExp(
        `^the key "tpm-hundred" has ${left} of its limit of 100 tokens per minute left, less than this request's estimate of \\d+ tokens .*a lower max_tokens may fit\\); retry after \\d+s$`,
      ),
    );
  });

  it('limits a key to its concurrent requests', async () => {
    const token = await createKey({ name: 'two-at-once', max_concurrent: 2 });
    upstream.enqueue({ kind: 'reply', delayMs: 300 }, { kind: 'reply', delayMs: 300 }, { kind: 'reply', delayMs: 300 });
    const results = await Promise.allSettled([chat(token), chat(token), chat(token)]);
    const statuses = results.map((r) => (r.status === 'fulfilled' ? 200 : (r.reason as OpenAIError).status));
    expect(statuses.sort()).toEqual([200, 200, 429]);
    const refused = results.find((r) => r.status === 'rejected')?.reason as OpenAIError;
    expect(refused.message).toMatch(
      /the key "two-at-once" is over its limit of 2 concurrent requests; retry when one of its requests ends$/,
    );
    expect(refused.headers?.get('retry-after')).toBe('1');
    await expect(chat(token)).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('reserves an inline image by what providers bill for one, not by its base64 bytes', async () => {
    // A 1.5 MB base64 image read as text would reserve ~375k tokens: past this TPM by itself, so the second
    // request of the minute would be refused although the first settled to the fake's 18 tokens.
    const token = await createKey({ name: 'sends-images', tpm: 20_000 });
    const image = `data:image/png;base64,${'iVBORw0KGgo'.padEnd(1_500_000, 'A')}`;
    const withImage = () =>
      harness.openai(token).chat.completions.create({
        model: 'gpt-4o-mini',
        max_tokens: 100,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is in this picture?' },
              { type: 'image_url', image_url: { url: image } },
            ],
          },
        ],
      });
    await expect(withImage()).resolves.toMatchObject({ object: 'chat.completion' });
    await expect(withImage()).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('settles a stream to its reported usage, and a stream the client abandoned to what it produced', async () => {
    const token = await createKey({ name: 'streamer', tpm: 115 });
    clock += 60_000;
    const stream = async () => {
      const chunks = await harness.openai(token).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 50,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const _ of chunks) {
        // drained
      }
    };
    const settled = async (count: number) => {
      for (let i = 0; i < 100; i++) {
        const records = (await harness.records()).filter((r) => r.client === 'streamer');
        if (records.length >= count) return records;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error('records missing');
    };
    // Each stream reserves ~83 tokens (body / 4 + max_tokens 50) and uses 18: the second fits only because the
    // first was settled to its real usage.
    await stream();
    await settled(1);
    await stream();
    await settled(2);
    expect((await refusal(stream())).status).toBe(429);

    clock += 60_000;
    upstream.enqueue({ kind: 'reply', chunkDelayMs: 200 });
    const abandon = new AbortController();
    const chunks = await harness
      .openai(token)
      .chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 50, stream: true },
        { signal: abandon.signal },
      );
    for await (const _ of chunks) {
      abandon.abort();
      break;
    }
    const records = await settled(4);
    const abandoned = records.find((r) => r.status === 499 && r.provider === 'primary');
    // No usage arrived, so it is billed for what it consumed: the prompt the upstream read (estimated from the
    // body's text: 'user', 'hi' and a message's framing) and what it produced, flagged, well under the ~83-token
    // reservation.
    expect(abandoned).toMatchObject({ usageEstimated: true });
    expect(abandoned?.inputTokens).toBeGreaterThanOrEqual(5);
    expect(abandoned?.outputTokens).toBeGreaterThan(0);
    const charged = (abandoned?.inputTokens ?? 0) + (abandoned?.outputTokens ?? 0);
    expect(charged).toBeLessThan(115 - 83);
    // Settled to that estimate rather than kept at its reservation, it leaves room for one more stream.
    await stream();
    await settled(5);
  });

  it('charges a budget for a non-streamed request the client left while the upstream answered', async () => {
    // Such a request was recorded with no usage and no provider, so it settled to nothing: the upstream billed
    // it, the budget never saw it. It now settles to the estimate it reserved ($100/M: ~6 tokens of prompt, 50 of
    // max_tokens), so the next request that reserves as much no longer fits the $0.01.
    const token = await createKey({ name: 'leaver', budgets: { total: 0.01 } });
    upstream.enqueue({ kind: 'hang' });
    const sent = upstream.requests.length;
    const leave = new AbortController();
    const pending = harness
      .openai(token, { maxRetries: 0 })
      .chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 50 },
        { signal: leave.signal },
      );
    while (upstream.requests.length === sent) await new Promise((resolve) => setTimeout(resolve, 5));
    leave.abort();
    await expect(pending).rejects.toThrow();
    let left: RequestRecord | undefined;
    for (let i = 0; i < 250 && !left; i++) {
      left = (await harness.records()).find((r) => r.client === 'leaver');
      if (!left) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(left).toMatchObject({ status: 499, provider: 'primary', outputTokens: 50, usageEstimated: true });
    expect(left?.costUsd).toBeCloseTo(((left?.inputTokens ?? 0) + 50) / 1e4, 9);
    const refused = await refusal(chat(token, 'gpt-4o-mini', { max_tokens: 50 }));
    expect(refused.status).toBe(429);
    expect(refused.error.message).toContain('budget');
  });

  it('limits a config-declared client with the same fields', async () => {
    const token = 'amg_config_limited_token_0123456789';
    await chat(token);
    const refused = await refusal(chat(token));
    expect(refused.status).toBe(429);
    expect(refused.error.message).toContain('the key "config-limited" is over its limit of 1 request per minute;');
  });

  it('changes limits with PATCH without changing the token', async () => {
    const token = await createKey({ name: 'grows', rpm: 1 });
    await chat(token);
    expect((await refusal(chat(token))).status).toBe(429);
    const updated = await harness.admin('PATCH', '/keys/grows', { rpm: 100, tags: { team: 'search' } });
    expect(updated.status).toBe(200);
    expect(updated.body.policy).toEqual({ rpm: 100, tags: { team: 'search' } });
    await expect(chat(token)).resolves.toMatchObject({ object: 'chat.completion' });
    const removed = await harness.admin('PATCH', '/keys/grows', { rpm: null });
    expect(removed.body.policy).toEqual({ tags: { team: 'search' } });
    expect((await harness.admin('PATCH', '/keys/grows', { rpm: -1 })).status).toBe(400);
    expect((await harness.admin('PATCH', '/keys/grows', { nonsense: 1 })).status).toBe(400);
  });

  it('stops a key with $0.01 of budget within the in-flight bound under 200 concurrent requests', async () => {
    const token = await createKey({ name: 'nearly-broke', budgets: { total: 0.01 } });
    upstream.setDefault({ kind: 'reply', delayMs: 30 });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () => chat(token, 'gpt-4o-mini', { max_tokens: 10 })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as OpenAIError] : []));
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBe(200 - ok);
    expect(refused.every((e) => e.status === 429)).toBe(true);
    const first = refused[0] as OpenAIError;
    expect(first.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
    expect(first.message).toContain('total budget of $0.01');
    expect(first.headers?.get('x-should-retry')).toBe('false');

    const records = (await harness.records(200 + 30)).filter((r) => r.client === 'nearly-broke');
    expect(records).toHaveLength(200);
    const spent = records.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
    // Every admitted request reserved its worst case (max_tokens), so the in-flight bound is the budget itself.
    expect(spent).toBeLessThanOrEqual(0.01 + 1e-9);
    expect(spent).toBeCloseTo(ok * 0.0018, 6);
    expect(records.filter((r) => r.errorCode === 'GW_ERR_BUDGET_EXCEEDED')).toHaveLength(200 - ok);
  });

  it('says when a daily budget resets, in its time zone', async () => {
    const token = await createKey({ name: 'daily', budgets: { day: 0.004 } });
    await chat(token, 'gpt-4o-mini', { max_tokens: 5 });
    const refused = await refusal(chat(token, 'gpt-4o-mini', { max_tokens: 5 }));
    expect(refused.status).toBe(429);
    expect(refused.error.message).toMatch(/daily budget of \$0\.004\b.*resets at 2026-12-0\dT00:00:00\+00:00 \(UTC\)/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it("starts a new key's budget from its own spend, not that of a revoked key of the same name", async () => {
    const old = await createKey({ name: 'reborn' });
    await chat(old, 'gpt-4o-mini', { max_tokens: 5 });
    await chat(old, 'gpt-4o-mini', { max_tokens: 5 });
    expect((await harness.records()).filter((r) => r.client === 'reborn').length).toBe(2);
    expect((await harness.admin('DELETE', '/keys/reborn')).status).toBe(200);

    // The revoked key spent $0.0036 today; the new one, with a daily $0.004, has spent nothing.
    const fresh = await createKey({ name: 'reborn', budgets: { day: 0.004 } });
    await expect(chat(fresh, 'gpt-4o-mini', { max_tokens: 5 })).resolves.toMatchObject({ object: 'chat.completion' });
    const refused = await refusal(chat(fresh, 'gpt-4o-mini', { max_tokens: 5 }));
    expect(refused.status).toBe(429);
    expect(refused.error.message).toContain('has $0.0022 left of its daily budget of $0.004');
  });

  it('tells a key whose budget is untouched that the estimate did not fit, not that the budget was reached', async () => {
    // 1024 output tokens are assumed without max_tokens: $0.1 at $100 per million, over the whole budget.
    const token = await createKey({ name: 'small-budget', budgets: { day: 0.01 } });
    const refused = await refusal(chat(token));
    expect(refused.status).toBe(429);
    expect(refused.error.message).toMatch(
      /^the key "small-budget" has \$0\.01 left of its daily budget of \$0\.01, less than this request's estimated cost of \$0\.10\d* \(.*max_tokens/,
    );
    expect(refused.error.message).not.toContain('reached');
    // A budget of a few millionths of a dollar reads as such, not as "$0.00".
    const tiny = await createKey({ name: 'tiny-budget', budgets: { day: 0.000005 } });
    expect((await refusal(chat(tiny))).error.message).toContain('left of its daily budget of $0.000005,');
    expect((await harness.admin('POST', '/keys', { name: 'too-tiny', budgets: { day: 0.0000001 } })).status).toBe(400);
    expect((await harness.admin('POST', '/keys', { name: 'no-models', models: [] })).status).toBe(400);
    // With max_tokens the estimate fits, and once the budget is spent the refusal says so.
    await chat(token, 'gpt-4o-mini', { max_tokens: 5 });
    for (let i = 0; i < 5; i++) await chat(token, 'gpt-4o-mini', { max_tokens: 5 }).catch(() => undefined);
    const spent = await refusal(chat(token, 'gpt-4o-mini', { max_tokens: 5 }));
    expect(spent.error.message).toMatch(/has (reached its daily budget|\$0\.00\d+ left)/);
  });

  it('rotates a key: the old token works through the grace period, and both events are audited', async () => {
    const old = await createKey({ name: 'rotating', rpm: 100 });
    const rotated = await harness.admin('POST', '/keys/rotating/rotate', { grace: '1500ms' });
    expect(rotated.status).toBe(201);
    const fresh: string = rotated.body.token;
    expect(fresh).not.toBe(old);
    expect(rotated.body.prefix).toBe(fresh.slice(0, 14));
    expect(rotated.body.previousTokenValidUntil).not.toBeNull();
    await expect(chat(old)).resolves.toMatchObject({ object: 'chat.completion' });
    await expect(chat(fresh)).resolves.toMatchObject({ object: 'chat.completion' });

    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect((await refusal(chat(old))).status).toBe(401);
    await expect(chat(fresh)).resolves.toMatchObject({ object: 'chat.completion' });
    expect(await harness.gateway.endRotationGraces()).toBe(1);
    expect(await harness.gateway.endRotationGraces()).toBe(0);

    const audit = (await harness.admin('GET', '/audit?limit=100')).body.data as any[];
    const events = audit.filter((r) => r.target === 'rotating').map((r) => r.action);
    expect(events).toEqual(expect.arrayContaining(['keys.create', 'keys.rotate', 'keys.grace_ended']));
    expect(JSON.stringify(audit)).not.toContain(fresh);
  });

  it('ends a grace period no later than the key, and refuses to rotate a key that has expired', async () => {
    const created = await harness.admin('POST', '/keys', { name: 'short-lived', expires_in_days: 1 });
    const expiresAt = Date.parse(created.body.expiresAt);
    const rotated = await harness.admin('POST', '/keys/short-lived/rotate', { grace: '30d' });
    expect(rotated.status).toBe(201);
    expect(Date.parse(rotated.body.previousTokenValidUntil)).toBe(expiresAt);

    await harness.admin('POST', '/keys', { name: 'expired', expires_in_days: 0.00001 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const refused = await harness.admin('POST', '/keys/expired/rotate', { grace: '1h' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('the key "expired" expired at');
    const listed = (await harness.admin('GET', '/keys')).body.data as any[];
    expect(listed.find((k) => k.name === 'expired')).toMatchObject({
      status: 'expired',
      previousTokenValidUntil: null,
    });
  });
});
