import type { EntryPoint } from '../../telemetry/request-record.js';
import type { ClientDialect } from './client-dialect.js';
import type { ClientOutput } from './client-output.js';

/** One data-plane endpoint: its method, dialect, and the handler that does its specific part. */
export interface EntryPointSpec {
  readonly entryPoint: EntryPoint;
  readonly dialect: ClientDialect;
  readonly method: 'GET' | 'POST';
  /** Handles an authenticated request; `body` is the parsed JSON object for POST endpoints. */
  handle(out: ClientOutput, body: Record<string, unknown> | undefined): Promise<void>;
}
