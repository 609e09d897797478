import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_MODELS, CloudGateway } from '../support/cloud-gateway.js';
import { ADMIN_TOKEN } from '../support/gateway-harness.js';
import { type PromMetrics, sampleValue, scrape } from '../support/prometheus.js';

const DASHBOARD = new URL('../../docs/grafana/ai-model-gateway.json', import.meta.url);

interface Panel {
  title: string;
  type: string;
  targets?: Array<{ expr: string }>;
}

/** One vector selector of a PromQL expression: `name{label op "value", ...}`. */
interface Selector {
  name: string;
  matchers: Array<{ label: string; op: string; value: string }>;
  /** Its aggregate is followed by `or vector(0)`: no series reads as 0, not as "No data". */
  defaultsToZero: boolean;
}

/** Provider types the health checker has no model list to probe for. */
const UNPROBED = ['az', 'vx', 'bed'];

/** The vector selectors of `expr` that read the gateway's own series. */
function selectors(expr: string): Selector[] {
  return [...expr.matchAll(/\b(amg_[a-z0-9_]+)(?:\{([^}]*)\})?/g)].map((match) => {
    const [, name, body] = match;
    const rest = expr.slice((match.index ?? 0) + match[0].length);
    return {
      name: name as string,
      matchers: [...(body ?? '').matchAll(/([a-z_]+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map(([, label, op, value]) => ({
        label: label as string,
        op: op as string,
        value: value as string,
      })),
      defaultsToZero: /^[^/]*?\)\s*or\s+vector\(0\)/.test(rest),
    };
  });
}

function matches(labels: Record<string, string>, { label, op, value }: Selector['matchers'][number]): boolean {
  const actual = labels[label] ?? '';
  if (op === '=') return actual === value;
  if (op === '!=') return actual !== value;
  const whole = new RegExp(`^(?:${value})$`);
  return op === '=~' ? whole.test(actual) : !whole.test(actual);
}

/** Samples of the family a (possibly `_bucket`) series name belongs to whose labels the selector matches. */
function samplesOf(families: PromMetrics, selector: Selector): number {
  const family = families[selector.name] ?? families[selector.name.replace(/_(bucket|sum|count)$/, '')];
  const data = (family?.data ?? []) as Array<{ labels: Record<string, string> }>;
  return data.filter((sample) => selector.matchers.every((m) => matches(sample.labels ?? {}, m))).length;
}

/**
 * The dashboard's panels filtered to one cloud provider (the `provider` and `model` variables set to its name and
 * its model) each show a series after that provider served traffic: no panel reads a label the cloud types leave
 * out (a breaker, a health check, an attempt duration, a cost or a time to first token per target).
 */
describe('the Grafana dashboard on cloud providers', () => {
  let cloud: CloudGateway;

  beforeAll(async () => {
    cloud = await CloudGateway.start({
      routing: { health_checks: { enabled: true, interval_s: 0.2, timeout_ms: 2_000 } },
    });
    const { harness } = cloud;
    for (const { name } of Object.values(CLOUD_MODELS)) {
      await harness.openai().chat.completions.create({ model: name, messages: [{ role: 'user', content: 'hi' }] });
      const stream = await harness
        .anthropic()
        .messages.create({ model: name, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] });
      for await (const _event of stream) {
        // drained so the stream's record is complete
      }
    }
    await harness.records(8);
    const targets = Object.values(CLOUD_MODELS)
      .filter(({ provider }) => !UNPROBED.includes(provider))
      .map(({ provider, upstream }) => `${provider}/${upstream}`);
    const deadline = Date.now() + 15_000;
    while (targets.some((id) => !harness.gateway.router.state.target(id)?.health) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 30_000);
  afterAll(async () => {
    await cloud.close();
  });

  it.each(Object.values(CLOUD_MODELS))('shows $provider ($name) in every panel', async ({ name, provider }) => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as { panels: Panel[] };
    const { families } = await scrape(cloud.harness.url, ADMIN_TOKEN);
    const empty: string[] = [];
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        const expr = target.expr.replaceAll('$provider', provider).replaceAll('$model', name);
        for (const selector of selectors(expr)) {
          // Breakers not closed, and breaker opens: series of a fault, empty on a healthy gateway by design.
          if (selector.name.startsWith('amg_target_breaker_')) continue;
          if (samplesOf(families, selector) > 0 || selector.defaultsToZero) continue;
          empty.push(`${panel.title}: ${selector.name}`);
        }
      }
    }
    // Azure, Bedrock and Vertex have no model list to probe (docs/routing.md): no health series, not a broken one.
    if (UNPROBED.includes(provider)) {
      expect(empty).toEqual(['Health checks (1 = up): amg_target_health_check_up']);
    } else {
      expect(empty).toEqual([]);
      // Probed as the real API answers a models.list: up, not a series that says the provider is down.
      expect(sampleValue(families, 'amg_target_health_check_up', { provider })).toBe(1);
    }
  });
});
