import type { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/**
 * Daily budgets in a time zone whose clocks skip midnight: Chile moves from -04:00 to -03:00 at 24:00 on the first
 * Saturday of September, so 2025-09-07 begins at 01:00 local (04:00 UTC). The hour before it still belongs to
 * 2025-09-06 and its budget must hold there as anywhere else.
 */
describe('daily budget where midnight does not exist', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  const clock = Date.parse('2025-09-07T03:30:00Z'); // 23:30 on Saturday 2025-09-06 in Santiago

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      now: () => clock,
      config: {
        limits: { budget_timezone: 'America/Santiago' },
        providers: [
          // $100 per million tokens: the fake's 12 + 6 tokens cost $0.0018.
          { ...fakeProvider('primary', upstream.baseUrl), pricing: { 'gpt-4o-mini': { input: 100, output: 100 } } },
        ],
        models: [{ name: 'gpt-4o-mini', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
        clients: [{ name: 'admin-seed', token: 'amg_admin_seed_token_0123456789' }],
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await upstream?.close();
  });

  const chat = (token: string) =>
    harness
      .openai(token)
      .chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });

  it('enforces the day in its last hour and names the instant the next day begins', async () => {
    const created = await harness.admin('POST', '/keys', { name: 'santiago', budgets: { day: 0.004 } });
    expect(created.status).toBe(201);
    const token = created.body.token as string;

    await chat(token);
    const refused = await chat(token).then(
      () => undefined,
      (error: unknown) => error as APIError,
    );
    expect(refused?.status).toBe(429);
    expect(refused?.message).toContain('daily budget of $0.004');
    expect(refused?.message).toContain('resets at 2025-09-07T01:00:00-03:00 (America/Santiago)');
    // Thirty minutes from 23:30 to the first instant of Sunday, not an instant already past.
    expect(Number(refused?.headers?.get('retry-after'))).toBe(1_800);
  });
});
