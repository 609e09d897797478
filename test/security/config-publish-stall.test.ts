import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHarness } from '../support/gateway-harness.js';
import { mainThreadCpuMs } from '../support/main-thread-cpu.js';

/**
 * The admin publish route parses and validates YAML on the event loop. Two drafts from the fuzz run held it
 * up: a few KB of unclosed flow sequences (`[[[[…`, where the YAML parser runs out of stack hundreds of times:
 * 300 ms – 1 s of CPU) and a model name of 900 KB (100–400 ms). Flow nesting is now bounded before parsing and a
 * draft's text is capped at 256 KiB; both are refused at once with a message that says why.
 */
const GOOD = `providers:
  - { name: oa, type: openai, base_url: http://127.0.0.1:9/v1, api_key: sk-test, allow_private_network: true }
models:
  - { name: via-openai, targets: [{ provider: oa, model: m1 }] }
`;

const DRAFTS = [
  { name: 'flow sequences nested 20,000 deep', content: `${GOOD}deep: ${'['.repeat(20_000)}${']'.repeat(10)}\n` },
  { name: 'a model name of 900 KB', content: GOOD.replace('name: via-openai', `name: ${'m'.repeat(900_000)}`) },
];

describe('config drafts that cost the YAML parser seconds', () => {
  let harness: GatewayHarness;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ config: {} });
  });
  afterAll(async () => {
    await harness.close();
  });

  for (const draft of DRAFTS) {
    it(`refuses ${draft.name} without holding up the event loop`, async () => {
      const cpu: number[] = [];
      let answer: { status: number; body: { error?: { message?: string }; errors?: unknown } } | undefined;
      for (let i = 0; i < 3; i++) {
        const before = mainThreadCpuMs() ?? 0;
        answer = await harness.admin('POST', '/config/publish', { content: draft.content, message: 'stall test' });
        cpu.push((mainThreadCpuMs() ?? 0) - before);
      }
      console.log(`${draft.name}: main-thread CPU per publish ${cpu.join(', ')} ms (10 ms ticks)`);
      expect([400, 422]).toContain(answer?.status);
      expect(JSON.stringify(answer?.body)).toMatch(/nested more than 64 levels|longer than 256 KiB/);
      // Before: 300-1,300 ms (deep) and 100-430 ms (long name) per publish at load 20. The whole request (the
      // admin API's JSON parse of up to 1 MiB included) now costs a few ms; the bound leaves room for a loaded runner.
      expect(Math.min(...cpu)).toBeLessThanOrEqual(40);
    }, 60_000);
  }

  it('still publishes a config with flow collections and brackets in strings', async () => {
    const content = `${GOOD}# a comment with [[[[ brackets\nrouting: { retries: { max_attempts: 2 } }\n`;
    const answer = await harness.admin('POST', '/config/publish', { content, message: 'flow is fine' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  });
});
