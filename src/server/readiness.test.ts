import { describe, expect, it } from 'vitest';
import { Readiness } from './readiness.js';

function sources(overrides: Partial<{ loaded: boolean; draining: boolean; ping: () => Promise<unknown> }> = {}) {
  const state = { loaded: true, draining: false, pings: 0, ...overrides };
  return {
    state,
    configLoaded: () => state.loaded,
    draining: () => state.draining,
    pingStore: () => {
      state.pings++;
      return (overrides.ping ?? (() => Promise.resolve(1)))();
    },
  };
}

describe('readiness', () => {
  it('is ready when the config is loaded, the store answers and nothing is draining', async () => {
    expect(await new Readiness(sources()).check()).toEqual({ ready: true });
  });

  it('says draining first, at once, even while the store answers', async () => {
    const s = sources();
    const readiness = new Readiness(s);
    await readiness.check();
    s.state.draining = true;
    expect(await readiness.check()).toEqual({ ready: false, reason: 'draining: the gateway is shutting down' });
  });

  it('names the store error when the store does not answer', async () => {
    const readiness = new Readiness(sources({ ping: () => Promise.reject(new Error('database is locked')) }));
    expect(await readiness.check()).toEqual({ ready: false, reason: 'store: database is locked' });
  });

  it('reports a config that is not loaded', async () => {
    expect(await new Readiness(sources({ loaded: false })).check()).toMatchObject({ ready: false });
  });

  it('shares one store query between probes within a second, then asks again', async () => {
    let now = 1_000;
    const s = sources();
    const readiness = new Readiness(s, () => now);
    await readiness.check();
    await readiness.check();
    expect(s.state.pings).toBe(1);
    now += 1_500;
    await readiness.check();
    expect(s.state.pings).toBe(2);
  });
});
