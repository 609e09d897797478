import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../telemetry/request-record.js';
import { countsAsFailure } from './failure-class.js';

const record = (fields: Partial<RequestRecord>) =>
  ({ status: 200, errorCode: null, errorMessage: null, ...fields }) as RequestRecord;

describe('countsAsFailure', () => {
  it('counts upstream failures and 5xx', () => {
    expect(countsAsFailure(record({ status: 502, errorCode: 'GW_ERR_UPSTREAM_FAILED' }))).toBe(true);
    expect(countsAsFailure(record({ status: 200, errorCode: 'GW_ERR_UPSTREAM_STREAM' }))).toBe(true);
  });

  it("never counts the gateway's own faults, which a client could cause on purpose", () => {
    expect(countsAsFailure(record({ status: 500, errorCode: 'GW_ERR_INTERNAL' }))).toBe(false);
    expect(countsAsFailure(record({ status: 200, errorCode: 'GW_ERR_INTERNAL' }))).toBe(false);
  });

  it('never counts a request an upstream refused for its content (every target content-filtered it)', () => {
    expect(countsAsFailure(record({ status: 400, errorCode: 'GW_ERR_UPSTREAM_REJECTED' }))).toBe(false);
  });
});
