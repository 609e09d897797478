import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { CLOUD_MODELS, CloudGateway } from '../support/cloud-gateway.js';
import { type PromMetrics, sampleValue, scrape } from '../support/prometheus.js';

const BEDROCK = CLOUD_MODELS.bedrock;

/** Every sample of `name` whose labels include `labels`. */
function samples(families: PromMetrics, name: string, labels: Record<string, string>) {
  const data = (families[name]?.data ?? []) as Array<{ labels: Record<string, string>; value?: number }>;
  return data.filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
}

/**
 * A Bedrock target's breaker opened by its failures, as /metrics and the admin API (what `amg status` and the
 * Admin UI read) each show it; then a config change that removes the provider and its model: its breaker and
 * health series go with it at the next scrape, its request counters keep their totals (counters never go back),
 * and a request for the removed name counts as `other`, never as a series of its own.
 */
describe('/metrics for cloud targets across a breaker opening and a config change', () => {
  let cloud: CloudGateway;

  beforeAll(async () => {
    cloud = await CloudGateway.start({
      routing: { retries: { max_attempts: 1 }, cooldown: { failures: 2, window_s: 60, cooldown_s: 600 } },
      metrics: { allow_unauthenticated: true },
    });
  });
  afterAll(async () => {
    await cloud.close();
  });

  it('shows the open breaker in /metrics and the admin API alike, and drops the removed target’s state', async () => {
    const { harness } = cloud;
    const unavailable = {
      kind: 'error' as const,
      status: 503,
      exception: 'ServiceUnavailableException',
      message: 'Bedrock is unable to process your request.',
    };
    cloud.bedrock.enqueue(unavailable, unavailable);
    for (let i = 0; i < 2; i++) {
      await expect(
        harness.openai().chat.completions.create({ model: BEDROCK.name, messages: [{ role: 'user', content: 'hi' }] }),
      ).rejects.toMatchObject({ status: 503 });
    }
    await harness.openai().chat.completions.create({
      model: CLOUD_MODELS.gemini.name,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await harness.records(3);

    let { families } = await scrape(harness.url);
    const bedTarget = { provider: BEDROCK.provider, upstream_model: BEDROCK.upstream };
    expect(sampleValue(families, 'amg_target_breaker_state', { ...bedTarget, state: 'open' })).toBe(1);
    expect(sampleValue(families, 'amg_target_breaker_state', { ...bedTarget, state: 'closed' })).toBe(0);
    expect(sampleValue(families, 'amg_target_breaker_transitions_total', { ...bedTarget, state: 'open' })).toBe(1);
    expect(sampleValue(families, 'amg_upstream_attempts_total', { ...bedTarget, outcome: 'server_error' })).toBe(2);
    expect(
      sampleValue(families, 'amg_requests_total', { model: BEDROCK.name, provider: 'bed', status_class: '5xx' }),
    ).toBe(2);
    for (const { provider, upstream } of [CLOUD_MODELS.azure, CLOUD_MODELS.gemini, CLOUD_MODELS.vertex]) {
      const target = { provider, upstream_model: upstream };
      expect(sampleValue(families, 'amg_target_breaker_state', { ...target, state: 'closed' })).toBe(1);
    }

    // The admin API's view of the same targets: the Admin UI and `amg status` render this.
    const { body } = await harness.admin('GET', '/providers');
    const statuses = (body.data as Array<{ targets: Array<Record<string, unknown>> }>).flatMap((p) => p.targets);
    const bed = statuses.find((t) => t.provider === BEDROCK.provider);
    expect(bed).toMatchObject({ model: BEDROCK.upstream, state: 'cooling', success_rate: 0, samples: 2 });
    const breakerOf = (state: unknown) => (state === 'cooling' ? 'open' : state === 'healthy' ? 'closed' : state);
    for (const status of statuses) {
      const labels = { provider: String(status.provider), upstream_model: String(status.model) };
      const open = samples(families, 'amg_target_breaker_state', labels).find((sample) => sample.value === 1);
      expect(open?.labels.state).toBe(breakerOf(status.state));
    }

    // Bedrock and its model leave the config (a SIGHUP reload of the edited file).
    const config = parse(await readFile(harness.configPath, 'utf8'));
    config.providers = config.providers.filter((p: { name: string }) => p.name !== BEDROCK.provider);
    config.models = config.models.filter((m: { name: string }) => m.name !== BEDROCK.name);
    await writeFile(harness.configPath, stringify(config));
    const reloaded = await harness.gateway.reload();
    expect(reloaded.ok).toBe(true);
    await expect(
      harness.openai().chat.completions.create({ model: BEDROCK.name, messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 404 });
    await harness.records(4);

    ({ families } = await scrape(harness.url));
    expect(samples(families, 'amg_target_breaker_state', { provider: BEDROCK.provider })).toEqual([]);
    expect(samples(families, 'amg_target_breaker_transitions_total', { provider: BEDROCK.provider })).toEqual([]);
    expect(sampleValue(families, 'amg_target_breaker_state', { provider: 'gem', state: 'closed' })).toBe(1);
    // Totals stay what they were; the request for the removed name is `other`.
    expect(
      sampleValue(families, 'amg_requests_total', { model: BEDROCK.name, provider: 'bed', status_class: '5xx' }),
    ).toBe(2);
    expect(sampleValue(families, 'amg_requests_total', { model: 'other', status_class: '4xx' })).toBe(1);
    expect(sampleValue(families, 'amg_config_revision')).toBe(2);
  });
});
