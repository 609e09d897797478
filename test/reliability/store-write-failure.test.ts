import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirectLog } from '../../src/server/log.js';
import { withOneUpstream } from '../support/reliability-harness.js';
import { lockStore } from '../support/sqlite-store.js';

interface Probe {
  status: number;
  body: { status: string; reason?: string; warnings?: string[] };
}

/**
 * The store refusing writes while the gateway serves (another process holding the database locked here; a full
 * disk acts the same): records wait in memory, `/readyz` says why, one log line rather than one per retry, and
 * every record is written once the store takes writes again.
 */
describe('request records the store cannot take for a while', () => {
  const setup = withOneUpstream({ telemetry: { flush_interval_ms: 100 } });
  const logged: Array<Record<string, unknown>> = [];
  let restoreLog: () => void;

  beforeAll(() => {
    restoreLog = redirectLog({ write: (line: string) => logged.push(JSON.parse(line)) });
  });
  afterAll(() => restoreLog());

  const readyz = async (): Promise<Probe> => {
    const response = await fetch(`${setup.harness.url}/readyz`);
    return { status: response.status, body: (await response.json()) as Probe['body'] };
  };

  it('says why in /readyz while records wait, logs it once, and writes them all afterwards', async () => {
    const lock = lockStore(setup.harness.dir, 'EXCLUSIVE');
    try {
      for (let i = 0; i < 3; i++) {
        const reply = await setup.harness
          .openai()
          .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
        expect(reply.choices[0]?.message.content).toBeTruthy();
      }
      let probe = await readyz();
      const deadline = Date.now() + 20_000;
      while (!probe.body.warnings?.some((warning) => warning.includes('request records cannot be written'))) {
        if (Date.now() > deadline) throw new Error(`no warning in /readyz: ${JSON.stringify(probe.body)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        probe = await readyz();
      }
      expect(probe.body.warnings).toEqual([
        expect.stringMatching(/^store: request records cannot be written since .*database is locked.*; 3 waiting/),
      ]);
      expect(setup.harness.gateway.telemetry.pending).toBe(3);
      // Several retries while locked (each waits out the 5 s busy timeout), one line.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect(logged.filter((line) => line.msg === 'telemetry write failed; will retry')).toHaveLength(1);
    } finally {
      lock.release();
    }
    await setup.harness.records(3, 15_000);
    const deadline = Date.now() + 10_000;
    while ((await readyz()).body.warnings !== undefined) {
      if (Date.now() > deadline) throw new Error('the warning stayed after the store recovered');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await readyz()).toEqual({ status: 200, body: { status: 'ready' } });
    expect(logged.filter((line) => line.msg === 'telemetry writes recovered')).toHaveLength(1);
  }, 60_000);
});
