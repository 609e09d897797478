import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../telemetry/request-record.js';
import { csvHeader, csvRows } from './request-export.js';

describe('request CSV export', () => {
  it('quotes separators and defuses spreadsheet formulas', () => {
    const record = {
      id: 'req_1',
      time: 0,
      client: '=HYPERLINK("x")',
      entryPoint: 'chat.completions',
      requestedModel: 'gpt, "mini"',
      provider: 'p',
      upstreamModel: null,
      routeMode: 'fallback',
      attempts: [{}, {}],
      status: 200,
      latencyMs: 12.5,
      ttfbMs: null,
      inputTokens: 1,
      outputTokens: 2,
      costUsd: null,
      errorCode: null,
      errorMessage: 'line\nbreak',
    } as unknown as RequestRecord;
    expect(csvHeader()).toMatch(/^time,id,client,/);
    expect(csvRows([record])).toBe(
      `1970-01-01T00:00:00.000Z,req_1,"'=HYPERLINK(""x"")",chat.completions,"gpt, ""mini""",p,,fallback,2,200,12.5,,1,2,,,"line\nbreak"\r\n`,
    );
  });
});
