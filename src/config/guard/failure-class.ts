import { CLIENT_CLOSED_CODE } from '../../api/shared/exchange.js';
import type { RequestRecord } from '../../telemetry/request-record.js';

/**
 * Whether a request counts against a change: a 5xx, or an upstream failure whatever its status (every target
 * rate-limited, a stream that broke after it started). Client errors (4xx), requests an upstream refused for
 * their content and clients that hung up do not.
 */
export function countsAsFailure(record: RequestRecord): boolean {
  if (record.status === 499 || record.errorCode === CLIENT_CLOSED_CODE) return false;
  // Requests refused or cut while this gateway shut down say nothing about the config it ran.
  if (record.errorCode === 'GW_ERR_SHUTTING_DOWN') return false;
  // The gateway's own faults say nothing about the change to the routes; a client could cause them on purpose.
  if (record.errorCode === 'GW_ERR_INTERNAL') return false;
  // An upstream refusing the request for what it asks (a content filter, a prompt too long) says nothing
  // about the change either: GW_ERR_UPSTREAM_REJECTED is only ever such a 4xx.
  if (record.errorCode === 'GW_ERR_UPSTREAM_REJECTED') return false;
  if (record.status >= 500) return true;
  return record.errorCode?.startsWith('GW_ERR_UPSTREAM') ?? false;
}
