import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { openTestStore } from '../../../test/support/sqlite-store.js';
import { AuditLog } from '../../audit/audit-log.js';
import type { Store } from '../../store/store.js';
import { Keyring } from '../secrets/master-key.js';
import { ChangeError } from './change-error.js';
import { ConfigWorkflow } from './config-workflow.js';

const ALICE = { name: 'alice', role: 'admin', origin: '127.0.0.1' };

const config = (model: string, key = 'sk-literal-key-000111') => `providers:
  - { name: a, type: openai, base_url: https://a.example.com/v1, api_key: ${key} }
  - { name: b, type: openai, base_url: https://b.example.com/v1, api_key: "\${B_KEY:-}" }
models:
  - name: chat
    targets: [{ provider: ${model}, model: m }]
`;

describe('ConfigWorkflow', () => {
  let store: Store;
  let workflow: ConfigWorkflow;
  let applied: number[];
  let now: number;

  beforeEach(async () => {
    store = await openTestStore();
    applied = [];
    now = 1_700_000_000_000;
    workflow = new ConfigWorkflow({
      store,
      keyring: new Keyring({ envKey: randomBytes(32).toString('hex'), dataDir: undefined }),
      env: {},
      baseDir: '/tmp',
      audit: new AuditLog(store, () => now),
      now: () => now,
      apply: async (revision) => {
        applied.push(revision.number);
      },
    });
  });

  const publish = (text: string, message = 'change') =>
    workflow.publish({ source: { content: text, name: 'gateway.yaml' }, message, origin: 'api' }, ALICE);

  it('publishes, applies and audits a change, and does nothing for a config that means the same', async () => {
    const first = await publish(config('a'), 'first');
    expect(first).toMatchObject({ status: 'published', revision: { number: 1, author: 'alice', active: true } });
    const same = await publish(`# only a comment is new\n${config('a')}`);
    expect(same).toEqual({ status: 'unchanged', revision: 1 });
    const second = await publish(config('b'));
    expect(second).toMatchObject({
      status: 'published',
      revision: { number: 2, parent: 1 },
      changes: [
        { kind: 'removed', path: 'models[chat].targets[a/m]', value: { provider: 'a', model: 'm' } },
        { kind: 'added', path: 'models[chat].targets[b/m]', value: { provider: 'b', model: 'm' } },
      ],
    });
    expect(applied).toEqual([1, 2]);
    const audit = await store.listAudit({ limit: 10 });
    expect(audit.map((r) => [r.action, r.outcome, r.target])).toEqual([
      ['config.publish', 'ok', 'revision 2'],
      ['config.publish', 'ok', 'revision 1'],
      ['config.publish', 'ok', 'revision 1'],
    ]);
  });

  it('refuses an invalid config with exact paths, and audits the failure', async () => {
    const error = await publish(config('nope')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChangeError);
    expect((error as ChangeError).problems).toEqual([
      { path: 'models[0].targets[0].provider', message: 'unknown provider "nope" (known: "a", "b")' },
    ]);
    const [record] = await store.listAudit({ limit: 1 });
    expect(record).toMatchObject({ action: 'config.publish', outcome: 'failed' });
    expect(await store.activeRevisionNumber()).toBeNull();
  });

  it('refuses to publish over a revision the caller did not see', async () => {
    await publish(config('a'));
    await publish(config('b'));
    const stale = workflow.publish(
      { source: { content: config('a', 'sk-other-key-22222') }, message: 'late', origin: 'api', baseRevision: 1 },
      ALICE,
    );
    await expect(stale).rejects.toMatchObject({ kind: 'conflict', message: expect.stringContaining('now 2, not 1') });
  });

  it('rolls back to the previous revision by default, as a new revision', async () => {
    await publish(config('a'));
    await publish(config('b'));
    const back = await workflow.rollback({ source: 'rollback' }, ALICE);
    expect(back).toMatchObject({ status: 'published', revision: { number: 3, restored_from: 1, source: 'rollback' } });
    expect((await workflow.diff({ revision: 1 })).changes).toEqual([]);
    await expect(workflow.rollback({ source: 'rollback', to: 3 }, ALICE)).rejects.toThrow(/already active/);
  });

  it('exports without secrets, and the export publishes back to the same config', async () => {
    await publish(config('a'));
    const exported = await workflow.export(ALICE);
    expect(exported.content).not.toContain('sk-literal-key-000111');
    expect(exported.content).toContain('api_key: <redacted>');
    expect(exported.content).toContain('${B_KEY:-}');
    expect(await publish(exported.content)).toEqual({ status: 'unchanged', revision: 1 });
    const edited = await publish(exported.content.replace('provider: a', 'provider: b'));
    expect(edited).toMatchObject({ status: 'published', revision: { number: 2 } });
    const active = (await workflow.active())?.tree as any;
    expect(active.providers[0].api_key).toBe('sk-literal-key-000111');
  });

  it('publishes the config file at startup only when it differs from the last revision taken from the file', async () => {
    const local = { name: 'local:ops', role: 'local', origin: 'local' };
    expect(await workflow.syncFile(config('a'), 'gateway.yaml', local)).toMatchObject({ status: 'published' });
    await publish(config('b'), 'hotfix through the API');
    expect(await workflow.syncFile(config('a'), 'gateway.yaml', local)).toEqual({
      status: 'kept',
      revision: 2,
      fileMatches: false,
    });
    expect(await workflow.fileState(config('a'), 'gateway.yaml')).toMatchObject({
      state: 'differs',
      active_revision: 2,
      file_revision: 1,
    });
    const edited = `${config('a')}clients: []\n`.replace(
      'base_url: https://a.example.com/v1',
      'base_url: https://a2.example.com/v1',
    );
    expect(await workflow.syncFile(edited, 'gateway.yaml', local)).toMatchObject({
      status: 'published',
      revision: { number: 3, source: 'file' },
    });
  });

  it('skips revisions a guard rejected on a plain rollback, and rolls back to one only when it is named', async () => {
    await publish(config('a'), 'first');
    await publish(config('b'), 'second');
    const guard = { windowMs: 60_000, minRequests: 5, margin: 0.05 };
    await workflow.publish(
      {
        source: { content: config('a', 'sk-literal-key-999888'), name: 'g.yaml' },
        message: 'guarded',
        origin: 'api',
        guard,
      },
      ALICE,
    );
    // The guard rejected revision 3 and restored revision 2 as revision 4.
    await workflow.rollback(
      { to: 2, source: 'guard', expectActive: 3, reason: 'errors' },
      { name: 'guard', role: 'admin', origin: 'guard' },
    );
    await store.setGuardState(3, 'rolled_back', 'errors');
    const plain = await workflow.rollback({ source: 'rollback' }, ALICE);
    expect(plain).toMatchObject({ status: 'published', revision: { number: 5, restored_from: 1 } });
    const named = await workflow.rollback({ to: 3, source: 'rollback' }, ALICE);
    expect(named).toMatchObject({ status: 'published', revision: { number: 6, restored_from: 3 } });
  });
});
