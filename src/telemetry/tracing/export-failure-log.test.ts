import { diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { redirectLog } from '../../server/log.js';
import { ExportFailureLog } from './export-failure-log.js';

describe('ExportFailureLog', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    diag.disable();
  });

  it("keeps the details the exporter passes beside its message (a collector's partial success)", () => {
    const lines: Array<Record<string, unknown>> = [];
    restore = redirectLog({ write: (line: string) => lines.push(JSON.parse(line)) });
    new ExportFailureLog('http://collector:4318/v1/traces').install();
    // What @opentelemetry/otlp-exporter-base says when the collector answers 200 with partial_success.
    diag.warn('Received Partial Success response:', JSON.stringify({ rejectedSpans: '3', errorMessage: 'too old' }));
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'trace export failed; spans are being dropped',
        error: 'Received Partial Success response: {"rejectedSpans":"3","errorMessage":"too old"}',
      }),
    ]);
  });
});
