import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirectLog } from '../../src/server/log.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

// Gemini's SDKs and many scripts send their key as `?key=`: a client pointed at the gateway with a gateway token
// sends it in the query of a URL the gateway has no route for. The 404, the request log and the access log name
// the path only, never the query, whichever listener answered.
for (const adminListen of [undefined, '127.0.0.1:0']) {
  describe(`an unknown route with a token in its query (${adminListen ? 'admin_listen set' : 'one listener'})`, () => {
    let upstream: FakeOpenAI;
    let harness: GatewayHarness;
    const lines: string[] = [];
    let restore: () => void;

    beforeAll(async () => {
      restore = redirectLog({ write: (line: string) => lines.push(line) });
      upstream = await FakeOpenAI.start({ apiKey: 'sk-up' });
      harness = await GatewayHarness.start({
        ...(adminListen ? { adminListen } : {}),
        config: {
          providers: [fakeProvider('primary', upstream.baseUrl, 'sk-up')],
          models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
          log: { level: 'info', access_log: true },
        },
        env: { AMG_LOG_LEVEL: undefined },
      });
    });
    afterAll(async () => {
      await harness.close();
      await upstream.close();
      restore();
    });

    it('answers 404 naming the path, and records and logs no part of the query', async () => {
      const paths = ['/v1beta/models/chat:generateContent', '/v1/no-such-route'];
      for (const path of paths) {
        const response = await fetch(`${harness.url}${path}?key=${CLIENT_TOKEN}&alt=sse`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        expect(response.status).toBe(404);
        const text = await response.text();
        expect(text).toContain(path);
        expect(text).not.toContain(CLIENT_TOKEN);
      }
      const records = await harness.records(paths.length);
      for (const path of paths) {
        const record = records.find((r) => r.path === path);
        expect(record, path).toMatchObject({ status: 404 });
      }
      expect(JSON.stringify(records)).not.toContain(CLIENT_TOKEN);
      expect(lines.join('')).not.toContain(CLIENT_TOKEN);
    });
  });
}
