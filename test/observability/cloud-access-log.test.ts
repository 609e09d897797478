import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirectLog } from '../../src/server/log.js';
import { CLOUD_BEDROCK_KEYS, CLOUD_MODELS, CloudGateway } from '../support/cloud-gateway.js';
import { CLIENT_TOKEN } from '../support/gateway-harness.js';

const PROMPT = 'a cloud prompt that must stay out of the logs';
const REPLY = 'an answer that must stay out of the logs too';

/**
 * One access-log line per request on each cloud provider type, reached from another client dialect (so every
 * answer was translated): the provider, the upstream model, the tokens as the gateway normalises them (Bedrock's
 * cache reads and writes inside the input, Gemini's thoughts inside the output), the cost and the status, or
 * the error code of a failure; never a prompt, an answer, the client's token or any provider credential (SigV4
 * keys and signature, an API key, a fetched access token).
 */
describe('the access log on translated routes to cloud providers', () => {
  let cloud: CloudGateway;
  const lines: string[] = [];
  let restore: () => void;

  beforeAll(async () => {
    restore = redirectLog({ write: (line: string) => lines.push(line) });
    cloud = await CloudGateway.start(
      {
        routing: { retries: { max_attempts: 1 }, cooldown: { failures: 1000 } },
        log: { level: 'info', access_log: true },
      },
      { AMG_LOG_LEVEL: undefined },
    );
  });
  afterAll(async () => {
    await cloud.close();
    restore();
  });

  it('names provider, upstream model, tokens, cost and status per request, and no body or credential', async () => {
    const { harness } = cloud;
    cloud.bedrock.enqueue({
      kind: 'reply',
      text: REPLY,
      usage: { input: 40, output: 8, cacheRead: 30, cacheWrite: 5 },
    });
    const stream = await harness.anthropic().messages.create({
      model: CLOUD_MODELS.bedrock.name,
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: PROMPT }],
    });
    for await (const _event of stream) {
      // read to the end
    }
    cloud.gemini.enqueue({ kind: 'reply', text: REPLY, usage: { prompt: 20, candidates: 7, cached: 4, thoughts: 3 } });
    await harness.anthropic().messages.create({
      model: CLOUD_MODELS.gemini.name,
      max_tokens: 100,
      messages: [{ role: 'user', content: PROMPT }],
    });
    cloud.vertex.gemini.enqueue({ kind: 'reply', text: REPLY, usage: { prompt: 9, candidates: 2 } });
    await harness.openai().responses.create({ model: CLOUD_MODELS.vertex.name, input: PROMPT, store: false });
    cloud.azure.enqueue({ kind: 'error', status: 429 });
    await expect(
      harness.anthropic().messages.create({
        model: CLOUD_MODELS.azure.name,
        max_tokens: 10,
        messages: [{ role: 'user', content: PROMPT }],
      }),
    ).rejects.toMatchObject({ status: 429 });

    const records = await harness.records(4);
    const access = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.msg === 'request');
    const byModel = (name: string) => access.find((entry) => entry.model === name) as Record<string, unknown>;
    expect(byModel(CLOUD_MODELS.bedrock.name)).toMatchObject({
      entry_point: 'messages',
      stream: true,
      provider: 'bed',
      upstream_model: CLOUD_MODELS.bedrock.upstream,
      status: 200,
      input_tokens: 75,
      output_tokens: 8,
      cached_tokens: 30,
      cache_write_tokens: 5,
      error_code: null,
    });
    expect(byModel(CLOUD_MODELS.gemini.name)).toMatchObject({
      entry_point: 'messages',
      provider: 'gem',
      upstream_model: CLOUD_MODELS.gemini.upstream,
      status: 200,
      input_tokens: 20,
      output_tokens: 10,
      cached_tokens: 4,
      reasoning_tokens: 3,
    });
    expect(byModel(CLOUD_MODELS.vertex.name)).toMatchObject({
      entry_point: 'responses',
      provider: 'vx',
      upstream_model: CLOUD_MODELS.vertex.upstream,
      status: 200,
      input_tokens: 9,
      output_tokens: 2,
    });
    expect(byModel(CLOUD_MODELS.azure.name)).toMatchObject({
      provider: null,
      last_provider_tried: 'az',
      status: 429,
      error_code: 'GW_ERR_UPSTREAM_FAILED',
      cost_usd: null,
    });
    // Priced from the shipped table, as the record is: the same figure, not a second computation.
    for (const record of records) {
      const line = access.find((entry) => entry.request_id === record.id);
      expect(line?.cost_usd).toBe(record.costUsd);
      if (record.status === 200) expect(record.costUsd).toBeGreaterThan(0);
    }

    const everything = lines.join('\n');
    const secrets = [
      PROMPT,
      REPLY,
      CLIENT_TOKEN,
      CLOUD_BEDROCK_KEYS.secretAccessKey,
      CLOUD_BEDROCK_KEYS.sessionToken,
      cloud.azure.apiKey,
      cloud.gemini.apiKey,
      ...cloud.vertex.issuedTokens,
      'Signature=',
    ];
    expect(cloud.vertex.issuedTokens.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
