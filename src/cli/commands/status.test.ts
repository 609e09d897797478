import { describe, expect, it } from 'vitest';
import { renderAuditVerified } from './audit.js';
import { renderStatus } from './status.js';

const NO_PROVIDERS = { health_checks: { enabled: false, interval_s: 15 }, data: [] };

describe('amg status as text', () => {
  it('says how long the gateway has been up in days, hours and minutes, and its telemetry in words', () => {
    const text = renderStatus(
      {
        version: '1.0.0',
        uptime_s: 3 * 86_400 + 4 * 3_600 + 12 * 60 + 5,
        in_flight: 2,
        storage: '/var/lib/amg/gateway.db',
        telemetry: { pending: 3, written: 1_234_567, dropped: 0 },
      },
      NO_PROVIDERS,
    );
    expect(text).toContain('AI Model Gateway 1.0.0 — up 3d4h12m5s, 2 in flight');
    expect(text).toContain(
      '  storage: /var/lib/amg/gateway.db\n  telemetry: 1,234,567 records written, 3 pending, 0 dropped',
    );
    expect(text).not.toContain('{"pending"');
    expect(renderStatus({ uptime_s: 0, telemetry: { pending: 0, written: 1, dropped: 0 } }, NO_PROVIDERS)).toMatch(
      /up 0s,[\s\S]*telemetry: 1 record written/,
    );
  });
});

describe('amg audit verify as text', () => {
  it('counts the records it verified in words that agree with the count', () => {
    expect(renderAuditVerified({ checked: 1, head: { seq: 1, hash: 'ab' } })).toBe(
      'audit log intact: 1 record verified; head record 1, hash ab\n',
    );
    expect(renderAuditVerified({ checked: 1412, head: null })).toBe('audit log intact: 1,412 records verified\n');
  });
});
