import type { IncomingHttpHeaders } from 'node:http';
import type { EntryPoint } from '../../telemetry/request-record.js';
import type { ClientDialect } from './client-dialect.js';
import type { ClientOutput } from './client-output.js';

/** One data-plane endpoint: its method, dialect, and the handler that does its specific part. */
export interface EntryPointSpec {
  readonly entryPoint: EntryPoint;
  readonly dialect: ClientDialect;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /**
   * The path template (`/v1/responses/{response_id}`) when the path carries an id: the server span's name and
   * `http.route`, kept low-cardinality as tracing backends group spans by name. The path itself when absent.
   */
  readonly route?: string;
  /**
   * The dialect of this request, for an endpoint both dialects' clients call (authentication and error shapes
   * follow it); `dialect` when absent.
   */
  dialectOf?(headers: IncomingHttpHeaders): ClientDialect;
  /** False for a POST endpoint whose body means nothing (`/cancel`, refusals): it is neither read nor parsed. */
  readonly readsBody?: false;
  /**
   * Handles an authenticated request; for POST endpoints `body` is the parsed JSON object and `raw` the bytes
   * it was parsed from (same-dialect routes forward those bytes, edited in place).
   */
  handle(out: ClientOutput, body: Record<string, unknown> | undefined, raw: Buffer | undefined): Promise<void>;
}
