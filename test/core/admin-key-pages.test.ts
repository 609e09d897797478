import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientKey } from '../../src/admin/client-keys.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { runCli } from '../support/cli-process.js';
import { ADMIN_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

interface Listed {
  id: string;
  name: string;
  prefix: string;
  status: string;
}
interface Page {
  data: Listed[];
  next_cursor: string | null;
}

/** An operator with many keys: the list comes a bounded page at a time, in a stable order, and can be searched. */
describe('paging and searching client keys through the admin API and amg keys list', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  const names = Array.from({ length: 120 }, (_, i) => `svc-${String(i).padStart(3, '0')}`);

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
      },
    });
    // Every third key carries team=search; created in a shuffled order, so name order is not creation order.
    const shuffled = [...names].sort((a, b) =>
      a.split('').reverse().join('') < b.split('').reverse().join('') ? -1 : 1,
    );
    for (let i = 0; i < shuffled.length; i += 10) {
      await Promise.all(
        shuffled.slice(i, i + 10).map(async (name) => {
          const tags = Number(name.slice(4)) % 3 === 0 ? { team: 'search' } : { team: 'ads' };
          const created = await harness.admin('POST', '/keys', { name, tags });
          expect(created.status, JSON.stringify(created.body)).toBe(201);
        }),
      );
    }
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
    await upstream?.close();
  });

  const list = async (query: string): Promise<Page> => {
    const response = await harness.admin('GET', `/keys?${query}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as Page;
  };
  const all = async (query: string): Promise<{ pages: number[]; names: string[] }> => {
    const pages: number[] = [];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      pages.push(page.data.length);
      seen.push(...page.data.map((k) => k.name));
      cursor = page.next_cursor;
    } while (cursor);
    return { pages, names: seen };
  };

  it('pages 120 keys 50 at a time in name order, each once, and answers 100 when no size is asked', async () => {
    const { pages, names: seen } = await all('limit=50');
    expect(pages).toEqual([50, 50, 20]);
    expect(seen).toEqual(names);
    const first = await list('');
    expect(first.data).toHaveLength(100);
    expect(first.next_cursor).not.toBeNull();
  });

  it('keeps its place when keys are created between pages: no key twice, none after the cursor lost', async () => {
    const first = await list('limit=50');
    expect(first.data.at(-1)?.name).toBe('svc-049');
    await harness.admin('POST', '/keys', { name: 'aaa-before-everything' });
    await harness.admin('POST', '/keys', { name: 'svc-0495-later' });
    const second = await list(`limit=50&cursor=${encodeURIComponent(first.next_cursor as string)}`);
    expect(second.data[0]?.name).toBe('svc-0495-later');
    expect(second.data[1]?.name).toBe('svc-050');
    await harness.admin('DELETE', '/keys/aaa-before-everything');
    await harness.admin('DELETE', '/keys/svc-0495-later');
  });

  it('searches by part of the name, the start of the prefix, the id, and by tag', async () => {
    expect((await all('search=SVC-11&limit=3')).names).toEqual(names.slice(110, 120));
    const one = (await list('search=svc-042')).data[0] as Listed;
    expect((await list(`search=${one.prefix}`)).data.map((k) => k.name)).toEqual(['svc-042']);
    expect((await list(`search=${one.id}`)).data.map((k) => k.name)).toEqual(['svc-042']);
    const tagged = await all('tag=team%3Dsearch&limit=25');
    expect(tagged.pages).toEqual([25, 15]);
    expect(tagged.names).toEqual(names.filter((_, i) => i % 3 === 0));
    expect((await all('tag=team&limit=500')).names).toHaveLength(120);
    expect((await list('tag=team%3Dsea')).data).toEqual([]);
    expect((await list('tag=search')).data).toEqual([]);
  });

  it('matches _ and % literally, and filters by status', async () => {
    await harness.admin('POST', '/keys', { name: 'a_b' });
    await harness.admin('POST', '/keys', { name: 'axb' });
    expect((await list('search=a_b')).data.map((k) => k.name)).toEqual(['a_b']);
    expect((await list('search=%25')).data).toEqual([]);
    await harness.admin('DELETE', '/keys/axb');
    // The two revoked in the test before, and this one.
    expect((await list('status=revoked')).data.map((k) => k.name)).toEqual([
      'aaa-before-everything',
      'axb',
      'svc-0495-later',
    ]);
    const active = await all('status=active&limit=500');
    expect(active.names).not.toContain('axb');
    expect(active.names).toContain('a_b');
  });

  it('refuses a page size out of bounds, a forged cursor and an unknown status with 400', async () => {
    for (const query of ['limit=0', 'limit=501', 'limit=2.5', 'cursor=bm90LWEtY3Vyc29y', 'status=gone']) {
      const response = await harness.admin('GET', `/keys?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBe('GW_ERR_ADMIN_KEYS');
    }
  });

  it("names the refused field in the error's problems, for a form to show it beside that field", async () => {
    const refused = await harness.admin('POST', '/keys', { name: 'bad', budgets: { day: 0 }, tpm: 'many' });
    expect(refused.status).toBe(400);
    // Every field at fault; the message (what the CLI prints) is the first one's.
    expect(refused.body.error.problems.map((p: { path: string }) => p.path).sort()).toEqual(['budgets.day', 'tpm']);
    const day = refused.body.error.problems.find((p: { path: string }) => p.path === 'budgets.day');
    expect(day.message).toMatch(/^invalid key policy: budgets\.day: at least 0\.000001 USD/);
    expect(refused.body.error.problems.map((p: { message: string }) => p.message)).toContain(
      refused.body.error.message,
    );
    const patch = await harness.admin('PATCH', '/keys/svc-001', { model_limits: { 'gpt-4o': { rpm: -1 } } });
    expect(patch.status).toBe(400);
    expect(patch.body.error.problems[0].path).toBe('model_limits.gpt-4o.rpm');
    const name = await harness.admin('POST', '/keys', { name: 'svc-001' });
    expect(name.status).toBe(409);
    expect(name.body.error.problems[0].path).toBe('name');
  });

  it('tells a field of the wrong JSON type in words with the shape it takes, not "expected record"', async () => {
    const refused = await harness.admin('POST', '/keys', { name: 'bad-shapes', tags: ['search'], budgets: [5] });
    expect(refused.status).toBe(400);
    const said = Object.fromEntries(
      refused.body.error.problems.map((p: { path: string; message: string }) => [p.path, p.message]),
    );
    expect(said.tags).toBe(
      'invalid key policy: tags: tags must be an object of tag names to values, like {"team":"search"}',
    );
    expect(said.budgets).toMatch(/budgets must be an object of USD amounts, like \{"day":5,"month":100\}$/);
    expect(refused.body.error.message).not.toMatch(/expected|received/);
  });

  it('lists config-declared clients with their policy and never their token', async () => {
    const response = await harness.admin('GET', '/config-clients');
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([{ name: 'test-client', expiresAt: null, policy: {} }]);
    expect(JSON.stringify(response.body)).not.toMatch(/token/i);
  });

  it('amg keys list follows the pages past 500 keys, and narrows by tag and limit', async () => {
    // 400 more keys straight into the store (creating them one by one through the API is only slower).
    for (let i = 0; i < 400; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          createClientKey(harness.gateway.store, { name: `zz-${String(i + j).padStart(3, '0')}` }),
        ),
      );
    }
    const cli = (...args: string[]) =>
      runCli(['--url', harness.adminUrl, '--token', ADMIN_TOKEN, 'keys', 'list', ...args], { cwd: harness.dir });
    const every = await cli('--json');
    expect(every.code, every.stderr).toBe(0);
    const listed = JSON.parse(every.stdout) as Listed[];
    expect(listed.length).toBeGreaterThan(500);
    expect(new Set(listed.map((k) => k.id)).size).toBe(listed.length);
    expect(listed.filter((k) => k.name.startsWith('zz-'))).toHaveLength(400);
    const tagged = await cli('--tag', 'team=search', '--json');
    expect((JSON.parse(tagged.stdout) as Listed[]).map((k) => k.name)).toEqual(names.filter((_, i) => i % 3 === 0));
    const few = await cli('--search', 'zz-', '--limit', '7');
    expect(few.code, few.stderr).toBe(0);
    expect(few.stdout.match(/zz-\d{3}/g)).toEqual([
      'zz-000',
      'zz-001',
      'zz-002',
      'zz-003',
      'zz-004',
      'zz-005',
      'zz-006',
    ]);
  });
});
