import { describe, expect, it } from 'vitest';
import type { ProviderRuntime } from '../providers/provider-runtime.js';
import { orderCandidates } from './candidate-order.js';
import type { ModelRoute, RouteTarget } from './route-table.js';
import { MemoryRoutingState } from './routing-state.js';

function target(name: string, configured = true, weight = 1): RouteTarget {
  const provider = { name, configured } as Pick<ProviderRuntime, 'name' | 'configured'>;
  return { id: `${name}/m`, provider: provider as ProviderRuntime, model: 'm', weight, dialect: 'openai-chat' };
}

const route = (strategy: ModelRoute['strategy'], targets: RouteTarget[]): ModelRoute => ({
  name: 'chat',
  strategy,
  targets,
  fallbackOn: new Set(),
});

describe('orderCandidates with a provider that has no key', () => {
  const [keyless, fast, slow] = [target('keyless', false), target('fast'), target('slow')];

  it('never puts the keyless target first under least-latency, exploration included', () => {
    const state = new MemoryRoutingState();
    state.target(fast.id).stats.record(100, true, 20);
    state.target(slow.id).stats.record(100, true, 200);
    for (const random of [0, 0.01, 0.04, 0.5, 0.99]) {
      const order = orderCandidates(route('least-latency', [keyless, slow, fast]), {
        state,
        now: 200,
        random: () => random,
      });
      expect(order[0]?.provider.configured).toBe(true);
      expect(order.at(-1)).toBe(keyless);
    }
    const measured = orderCandidates(route('least-latency', [keyless, slow, fast]), {
      state,
      now: 200,
      random: () => 0.5,
    });
    expect(measured.map((t) => t.provider.name)).toEqual(['fast', 'slow', 'keyless']);
  });

  it('balances weighted traffic over the targets that have keys only', () => {
    const state = new MemoryRoutingState();
    const heavyKeyless = target('keyless', false, 10);
    const firsts = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const order = orderCandidates(route('weighted', [heavyKeyless, fast, slow]), {
        state,
        now: i,
        random: () => 0.5,
      });
      firsts.add(order[0]?.provider.name ?? '');
      expect(order.at(-1)).toBe(heavyKeyless);
    }
    expect([...firsts].sort()).toEqual(['fast', 'slow']);
  });

  it('keeps the written order for ordered fallback', () => {
    const order = orderCandidates(route('fallback', [keyless, fast]), {
      state: new MemoryRoutingState(),
      now: 0,
      random: () => 0.5,
    });
    expect(order).toEqual([keyless, fast]);
  });
});
