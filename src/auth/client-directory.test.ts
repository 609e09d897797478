import { describe, expect, it } from 'vitest';
import { validateConfigTree } from '../config/load-config.js';
import type { ClientKey } from '../store/store.js';
import { ClientDirectory } from './client-directory.js';
import { hashToken } from './token-hash.js';

const TOKEN = 'config-client-token-0123456789';

function directoryAt(clock: { now: number }, client: Record<string, unknown>): ClientDirectory {
  const { config } = validateConfigTree({ clients: [{ name: 'team-a', token: TOKEN, ...client }] }, { env: {} });
  const directory = new ClientDirectory({ listClientKeys: async () => [] }, () => clock.now);
  directory.setConfigClients(config.clients);
  return directory;
}

describe('config clients', () => {
  it('stop authenticating at expires_at, like an expired key', async () => {
    const clock = { now: Date.parse('2027-02-28T23:59:59.999Z') };
    const directory = directoryAt(clock, { expires_at: '2027-03-01', rpm: 10 });
    expect((await directory.authenticate(TOKEN))?.name).toBe('team-a');
    clock.now += 1;
    expect(await directory.authenticate(TOKEN)).toBeUndefined();
  });

  it('read an offset in expires_at, and treat the epoch itself as a real expiry', async () => {
    const clock = { now: Date.parse('2027-03-01T07:59:00Z') };
    const directory = directoryAt(clock, { expires_at: '2027-03-01T09:00+01:00' });
    expect(await directory.authenticate(TOKEN)).toBeDefined();
    clock.now = Date.parse('2027-03-01T08:00:00Z');
    expect(await directory.authenticate(TOKEN)).toBeUndefined();
    expect(await directoryAt({ now: 5 }, { expires_at: '1970-01-01' }).authenticate(TOKEN)).toBeUndefined();
  });

  it('carry the same policy fields as a key', async () => {
    const directory = directoryAt(
      { now: 0 },
      {
        models: ['gpt-4o*'],
        rpm: 60,
        tpm: 1000,
        max_concurrent: 2,
        model_limits: { 'gpt-4o-mini': { rpm: 5 } },
        budgets: { day: 1, month: 10, total: 100 },
        tags: { team: 'search' },
      },
    );
    const identity = await directory.authenticate(TOKEN);
    expect(identity?.tags).toEqual({ team: 'search' });
    expect(identity?.access?.mayUse?.('gpt-4o-mini')).toBe(true);
    expect(identity?.access?.mayUse?.('claude-3')).toBe(false);
    expect(identity?.access?.policy).toMatchObject({
      rpm: 60,
      tpm: 1000,
      max_concurrent: 2,
      budgets: { day: 1, month: 10, total: 100 },
    });
    expect(identity?.access?.modelLimits.map((limit) => limit.pattern)).toEqual(['gpt-4o-mini']);
  });
});

describe('config client validation', () => {
  const problemsOf = (client: Record<string, unknown>) => {
    try {
      validateConfigTree({ clients: [{ name: 'c', token: TOKEN, ...client }] }, { env: {} });
      return '';
    } catch (error) {
      return String(error);
    }
  };

  it('names the field of each bad value', () => {
    expect(problemsOf({ expires_at: '2027-02-30' })).toMatch(/clients\[0\]\.expires_at: not a real date/);
    expect(problemsOf({ expires_at: '2027-03-01T09:00' })).toMatch(/clients\[0\]\.expires_at: use an ISO 8601/);
    expect(problemsOf({ expires_at: 'next tuesday' })).toMatch(/clients\[0\]\.expires_at/);
    expect(problemsOf({ expires_in_days: 3 })).toMatch(/clients\[0\]: Unrecognized key: "expires_in_days"/);
    expect(problemsOf({ rpm: 0 })).toMatch(/clients\[0\]\.rpm/);
    expect(problemsOf({ max_concurrent: 1.5 })).toMatch(/clients\[0\]\.max_concurrent/);
    expect(problemsOf({ model_limits: { 'gpt-4o': { tpm: -1 } } })).toMatch(/clients\[0\]\.model_limits\.gpt-4o\.tpm/);
    expect(problemsOf({ budgets: { week: 3 } })).toMatch(/clients\[0\]\.budgets: Unrecognized key: "week"/);
    expect(problemsOf({ budgets: { total: 1e12 } })).toMatch(/clients\[0\]\.budgets\.total/);
    expect(problemsOf({ budgets: { day: 0.0000001 } })).toMatch(
      /clients\[0\]\.budgets\.day: at least 0\.000001 USD \(budgets count in millionths of a dollar\)/,
    );
    expect(problemsOf({ tags: { 'bad tag': 'x' } })).toMatch(/clients\[0\]\.tags\.bad tag/);
    expect(problemsOf({ models: [''] })).toMatch(/clients\[0\]\.models\[0\]/);
    // As `amg keys create --models ''` is refused: a client that may use nothing is one to remove.
    expect(problemsOf({ models: [] })).toMatch(/clients\[0\]\.models: at least one pattern/);
    expect(problemsOf({ expires_at: '2027-03-01T09:00:00.5-05:00', rpm: 1 })).toBe('');
  });

  it('warns about a client that has already expired', () => {
    const loaded = validateConfigTree(
      { clients: [{ name: 'old', token: TOKEN, expires_at: '2020-01-01' }] },
      { env: {} },
    );
    expect(loaded.warnings).toContainEqual({
      path: 'clients[0].expires_at',
      message: 'client "old" expired at 2020-01-01: its token is refused',
    });
  });
});

describe('store keys between periodic checks that find no change', () => {
  it('stop at their expiry and at the end of a rotation grace period without a reload', async () => {
    const clock = { now: 1_000 };
    const key: ClientKey = {
      id: 'key_1',
      name: 'app',
      tokenSha256: hashToken('new-token'),
      prefix: 'amg_new',
      createdAt: 0,
      expiresAt: 3_000,
      revokedAt: null,
      policy: {},
      previousTokenSha256: hashToken('old-token'),
      previousExpiresAt: 2_000,
    };
    let lists = 0;
    const source = {
      listClientKeys: async () => {
        lists++;
        return [key];
      },
      credentialVersions: async () => ({ clientKeys: 1, adminTokens: 1 }),
    };
    const directory = new ClientDirectory(source, () => clock.now);
    await directory.refreshIfChanged();
    expect((await directory.authenticate('old-token'))?.keyId).toBe('key_1');
    clock.now = 2_000;
    await directory.refreshIfChanged();
    expect(lists).toBe(1);
    expect(directory.authenticate('new-token')).toMatchObject({ keyId: 'key_1' });
    expect(directory.authenticate('old-token')).toBeInstanceOf(Promise);
    expect(await directory.authenticate('old-token')).toBeUndefined();
    clock.now = 3_000;
    await directory.refreshIfChanged();
    // Nothing listed again: neither the periodic checks nor the refused token's miss (the keys did not change).
    expect(lists).toBe(1);
    expect(directory.authenticate('new-token')).toBeInstanceOf(Promise);
  });
});
