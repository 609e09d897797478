import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { runCli } from '../support/cli-process.js';
import { ADMIN_TOKEN, CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/** `amg keys create / update / rotate / list` with limits, against a running gateway's admin API. */
describe('amg keys with limits', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  const amg = async (...args: string[]) => {
    const result = await runCli(['--url', harness.adminUrl, '--token', ADMIN_TOKEN, 'keys', ...args], {
      cwd: harness.dir,
    });
    if (result.code !== 0) throw new Error(`amg keys ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [
          { name: 'gpt-4o-mini', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] },
          { name: 'claude-haiku', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] },
        ],
        clients: [
          { name: 'test-client', token: CLIENT_TOKEN },
          {
            name: 'batch-jobs',
            token: 'amg_batch_jobs_config_token_0123456789',
            models: ['gpt-*'],
            rpm: 100,
            budgets: { day: 5 },
            tags: { team: 'data', filter: 'lang=en' },
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await upstream?.close();
  });

  const chat = (token: string, model = 'gpt-4o-mini') =>
    harness
      .openai(token)
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => 200,
        (error: { status?: number }) => error.status ?? 0,
      );

  it('creates a key with every policy flag, changes it without a new token, and rotates it with a grace period', async () => {
    const created = JSON.parse(
      await amg(
        'create',
        '--name',
        'team-a',
        '--models',
        'gpt-4o*,claude-*',
        '--expires-in-days',
        '90',
        '--rpm',
        '2',
        '--tpm',
        '200000',
        '--max-concurrent',
        '20',
        '--budget',
        '50/day',
        '--budget',
        '1000/month',
        '--budget',
        '5000/total',
        '--model-limit',
        'claude-*:rpm=60,tpm=10000',
        '--tag',
        'team=search',
        '--json',
      ),
    );
    expect(created.policy).toEqual({
      models: ['gpt-4o*', 'claude-*'],
      rpm: 2,
      tpm: 200_000,
      max_concurrent: 20,
      budgets: { day: 50, month: 1000, total: 5000 },
      model_limits: { 'claude-*': { rpm: 60, tpm: 10_000 } },
      tags: { team: 'search' },
    });
    const token: string = created.token;
    expect([await chat(token), await chat(token), await chat(token)]).toEqual([200, 200, 429]);

    const updated = JSON.parse(await amg('update', 'team-a', '--rpm', '100', '--budget', 'off/month', '--json'));
    expect(updated.policy.rpm).toBe(100);
    expect(updated.policy.budgets).toEqual({ day: 50, total: 5000 });
    expect(updated.policy.tags).toEqual({ team: 'search' });
    expect(JSON.stringify(updated)).not.toContain(token);
    expect(await chat(token)).toBe(200);

    const rotated = await amg('rotate', 'team-a', '--grace', '24h');
    const fresh = /\n\s+(amg_[0-9a-f]{10}_\S+)/.exec(rotated)?.[1] as string;
    expect(fresh).toBeDefined();
    expect(rotated).toMatch(/The old token works until \d{4}-/);
    expect(await chat(fresh)).toBe(200);
    expect(await chat(token)).toBe(200);

    const listed = await amg('list');
    expect(listed).toMatch(/team-a .*old token until/);
    expect(listed).toContain('$50/day');
    expect(listed).not.toContain(fresh);
  }, 60_000);

  it('lists the clients the config declares beside the keys, with their policies, filtered the same way', async () => {
    const listed = await amg('list');
    expect(listed).toContain('Clients declared in the config (revision 1; change them in the config file):');
    expect(listed).toMatch(/batch-jobs +active +- +models gpt-\* rpm 100 \$5\/day team=data/);
    expect(listed).not.toContain('amg_batch_jobs_config_token');
    expect(await amg('list', '--tag', 'team=data')).toContain('batch-jobs');
    expect(await amg('list', '--tag', 'team=search')).not.toContain('batch-jobs');
    // A value with an `=` in it, split at the first one as for keys.
    expect(await amg('list', '--tag', 'filter=lang=en')).toContain('batch-jobs');
    expect(await amg('list', '--status', 'revoked')).not.toContain('batch-jobs');
  }, 60_000);

  it('rejects malformed flags with a message that names them', async () => {
    const bad = await runCli(
      ['--url', harness.adminUrl, '--token', ADMIN_TOKEN, 'keys', 'create', '--name', 'x', '--budget', '50/week'],
      { cwd: harness.dir },
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--budget takes AMOUNT/PERIOD');

    // A tag name the policy refuses: the reason, not zod's bare "Invalid key in record".
    const badTag = await runCli(
      ['--url', harness.adminUrl, '--token', ADMIN_TOKEN, 'keys', 'create', '--name', 'y', '--tag', 'cost center=7'],
      { cwd: harness.dir },
    );
    expect(badTag.code).not.toBe(0);
    expect(badTag.stderr).toContain('tags.cost center: invalid name: tag names use letters, digits and _ . : -');
  });

  it('reports every refused flag value on one line, without the usage text after it', async () => {
    // --expires-in-days and --grace were checked as commander parsers: their mistake came as commander's
    // "argument is invalid" followed by the whole usage text, where --rpm's came as one line.
    const cases: [string[], string][] = [
      [['create', '--name', 'x', '--expires-in-days', '-3'], '--expires-in-days takes a number of days'],
      [['rotate', 'batch-jobs', '--grace', '-1h'], '--grace takes a duration'],
      [['create', '--name', 'x', '--rpm', '-5'], '--rpm must be a positive integer'],
      [['list', '--limit', '0'], '--limit takes a positive integer'],
    ];
    for (const [args, message] of cases) {
      const bad = await runCli(['--url', harness.adminUrl, '--token', ADMIN_TOKEN, 'keys', ...args], {
        cwd: harness.dir,
      });
      expect(bad.code, args.join(' ')).toBe(1);
      const lines = bad.stderr.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0], args.join(' ')).toMatch(/^amg: /);
      expect(lines[0], args.join(' ')).toContain(message);
      expect(bad.stderr).not.toContain('Usage:');
    }
  }, 60_000);
});
