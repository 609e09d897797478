import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';

/**
 * The end-user id of a translated request. Claude Code sends a `metadata.user_id` of about 150 characters, and
 * OpenAI refuses a `user` longer than 64, so it reaches an OpenAI-compatible provider hashed to 64 hex characters.
 */

const CLAUDE_CODE_USER = `user_${'9f'.repeat(32)}_account_${'0'.repeat(36)}_session_${'1'.repeat(36)}`;

let gateway: DialectGateway;

function sentUser(): unknown {
  const body = gateway.openaiUpstream.requestsTo('/v1/chat/completions').at(-1)?.body as { user?: unknown } | undefined;
  return body?.user;
}

describe('the end-user id toward an OpenAI-compatible provider', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(() => gateway.reset());

  it.each([false, true])('takes a Claude Code metadata.user_id (stream: %s)', async (stream) => {
    const params = {
      model: MODELS.openai.name,
      max_tokens: 100,
      messages: [{ role: 'user' as const, content: 'Hi' }],
      metadata: { user_id: CLAUDE_CODE_USER },
    };
    const client = gateway.harness.anthropic();
    const message = stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params);
    expect(message.content[0]).toMatchObject({ type: 'text' });
    expect(sentUser()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps a short id as it is and hashes a long Responses user the same way each time', async () => {
    const client = gateway.harness.openai();
    await client.responses.create({ model: MODELS.openai.name, input: 'Hi', user: 'user-42' });
    expect(sentUser()).toBe('user-42');
    await client.responses.create({ model: MODELS.openai.name, input: 'Hi', user: CLAUDE_CODE_USER });
    const first = sentUser();
    await client.responses.create({ model: MODELS.openai.name, input: 'Hi', safety_identifier: CLAUDE_CODE_USER });
    expect(sentUser()).toBe(first);
  });
});
