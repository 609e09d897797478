import type { RequestRecord } from '../telemetry/request-record.js';

const COLUMNS: Array<[header: string, value: (r: RequestRecord) => unknown]> = [
  ['time', (r) => new Date(r.time).toISOString()],
  ['id', (r) => r.id],
  ['client', (r) => r.client],
  ['entry_point', (r) => r.entryPoint],
  ['model', (r) => r.requestedModel],
  ['provider', (r) => r.provider],
  ['upstream_model', (r) => r.upstreamModel],
  ['route', (r) => r.routeMode],
  ['attempts', (r) => r.attempts.length],
  ['status', (r) => r.status],
  ['latency_ms', (r) => r.latencyMs],
  ['ttft_ms', (r) => r.ttfbMs],
  ['input_tokens', (r) => r.inputTokens],
  ['output_tokens', (r) => r.outputTokens],
  ['cost_usd', (r) => r.costUsd],
  ['error_code', (r) => r.errorCode],
  ['error_message', (r) => r.errorMessage],
];

/** RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so a spreadsheet never runs a cell as a formula. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(): string {
  return `${COLUMNS.map(([header]) => header).join(',')}\r\n`;
}

export function csvRows(records: readonly RequestRecord[]): string {
  return records.map((record) => `${COLUMNS.map(([, value]) => cell(value(record))).join(',')}\r\n`).join('');
}
