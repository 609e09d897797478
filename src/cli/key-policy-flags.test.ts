import { describe, expect, it } from 'vitest';
import { expiryDays, graceFlag, policyFromFlags } from './key-policy-flags.js';

describe('policyFromFlags', () => {
  it('turns the flags into the admin API policy fields', () => {
    expect(
      policyFromFlags({
        models: 'gpt-4o*, claude-*',
        rpm: '600',
        maxConcurrent: '20',
        budget: ['50/day', '$1000/month'],
        modelLimit: ['anthropic.claude-3:0:rpm=60,max-concurrent=2'],
        tag: ['team=search'],
      }),
    ).toEqual({
      models: ['gpt-4o*', 'claude-*'],
      rpm: 600,
      max_concurrent: 20,
      budgets: { day: 50, month: 1000 },
      model_limits: { 'anthropic.claude-3:0': { rpm: 60, max_concurrent: 2 } },
      tags: { team: 'search' },
    });
  });

  it('turns off into null, which removes the field on update', () => {
    expect(policyFromFlags({ rpm: 'off', budget: ['off/day'], modelLimit: ['gpt-4o:off'], tag: ['team=off'] })).toEqual(
      {
        rpm: null,
        budgets: { day: null },
        model_limits: { 'gpt-4o': null },
        tags: { team: null },
      },
    );
  });

  it('refuses a budget, tag or model limit given twice rather than keeping one of them', () => {
    expect(() => policyFromFlags({ budget: ['50/day', '10/month', '500/day'] })).toThrow(
      '--budget sets day twice ("50/day" and "500/day"); give it once',
    );
    expect(() => policyFromFlags({ tag: ['team=search', 'team=ads'] })).toThrow('--tag sets team twice');
    expect(() => policyFromFlags({ modelLimit: ['gpt-4o:rpm=5', 'gpt-4o:tpm=100'] })).toThrow(
      '--model-limit sets gpt-4o twice',
    );
    expect(() => policyFromFlags({ modelLimit: ['gpt-4o:rpm=5,rpm=50'] })).toThrow('--model-limit sets rpm twice');
    expect(policyFromFlags({ budget: ['50/day', '1000/month'], tag: ['team=a', 'env=prod'] })).toEqual({
      budgets: { day: 50, month: 1000 },
      tags: { team: 'a', env: 'prod' },
    });
  });

  it('names the flag that is wrong', () => {
    expect(() => policyFromFlags({ rpm: '1.5' })).toThrow('--rpm must be a positive integer');
    expect(() => policyFromFlags({ budget: ['50/week'] })).toThrow('--budget takes AMOUNT/PERIOD');
    expect(() => policyFromFlags({ modelLimit: ['gpt-4o:rps=3'] })).toThrow('not "rps"');
    expect(() => policyFromFlags({ models: '' })).toThrow('--models takes comma-separated patterns');
    expect(() => expiryDays('abc')).toThrow('--expires-in-days takes a number of days');
    expect(() => expiryDays('-5')).toThrow('--expires-in-days takes a number of days');
    expect(() => expiryDays('9999')).toThrow('--expires-in-days takes a number of days');
    expect(expiryDays('0.5')).toBe(0.5);
    expect(() => policyFromFlags({ models: ' , ' })).toThrow('--models takes comma-separated patterns');
    // Past the policy's bounds: named as the flag, not as the admin API's budgets.day or rpm.
    expect(() => policyFromFlags({ budget: ['1e20/day'] })).toThrow(
      '--budget amount must be a number of USD from 0.000001 to 1000000000',
    );
    expect(() => policyFromFlags({ budget: ['Infinity/day'] })).toThrow('--budget amount must be');
    expect(() => policyFromFlags({ budget: ['0.0000001/day'] })).toThrow('--budget amount must be');
    expect(policyFromFlags({ budget: ['0.000001/day'] })).toEqual({ budgets: { day: 0.000001 } });
    expect(() => policyFromFlags({ rpm: '1e12' })).toThrow(
      '--rpm must be a positive integer, at most 1000000000 (got "1e12")',
    );
    expect(() => policyFromFlags({ modelLimit: ['gpt-4o:tpm=99999999999'] })).toThrow(
      '--model-limit tpm must be a positive integer',
    );
    expect(policyFromFlags({ budget: ['1000000000/total'], rpm: '1000000000' })).toEqual({
      budgets: { total: 1e9 },
      rpm: 1e9,
    });
  });

  it('checks --grace as the flag, and passes it on as typed', () => {
    for (const bad of ['0', '-1h', 'abc', '31d']) expect(() => graceFlag(bad)).toThrow(`--grace takes a duration`);
    expect(graceFlag('0s')).toBe('0s');
    expect(graceFlag('30d')).toBe('30d');
  });
});
