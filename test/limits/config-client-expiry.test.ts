import { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirectLog } from '../../src/server/log.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/** A config client whose `expires_at` has passed: the gateway starts, refuses its token, and says so in the log. */
describe('an expired config client', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  const lines: string[] = [];
  let undo: () => void;

  beforeAll(async () => {
    undo = redirectLog({ write: (line: string) => lines.push(line) });
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [{ name: 'gpt-4o-mini', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
        clients: [
          { name: 'current', token: 'amg_current_client_token_0123456789' },
          { name: 'typo-year', token: 'amg_typo_year_client_token_0123456789', expires_at: '2020-03-01' },
        ],
      },
    });
  });
  afterAll(async () => {
    undo?.();
    await harness?.close();
    await upstream?.close();
  });

  it('starts, refuses its token with 401, and warns in the log naming the client', async () => {
    const chat = (token: string) =>
      harness
        .openai(token)
        .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await expect(chat('amg_current_client_token_0123456789')).resolves.toMatchObject({ object: 'chat.completion' });
    const refused = await chat('amg_typo_year_client_token_0123456789').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(APIError);
    expect((refused as APIError).status).toBe(401);

    const warned = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'config client expired');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ level: 'warn', path: 'clients[1].expires_at' });
    expect(warned[0].warning).toContain('client "typo-year" expired at 2020-03-01');
    expect(lines.join('\n')).not.toContain('amg_typo_year_client_token');
  });
});
