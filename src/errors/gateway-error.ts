/**
 * The one error type of the gateway. Every failure a client can see is a GatewayError with a stable code;
 * each entry-point dialect maps it to its own wire shape.
 */
export type ErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'rate_limit'
  /** A budget is spent: retrying does not help before it resets (OpenAI's insufficient_quota). */
  | 'quota'
  | 'upstream'
  | 'overloaded'
  | 'unavailable'
  | 'timeout'
  | 'internal';

export interface GatewayErrorOptions {
  param?: string | undefined;
  cause?: unknown;
  /** Extra response headers, e.g. retry-after. */
  headers?: Record<string, string> | undefined;
  /** An upstream's own error code, which OpenAI-shaped clients see in place of the gateway's code. */
  upstreamCode?: string | undefined;
}

export class GatewayError extends Error {
  readonly code: string;
  readonly status: number;
  readonly kind: ErrorKind;
  readonly param: string | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly upstreamCode: string | undefined;

  constructor(code: string, status: number, kind: ErrorKind, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = status;
    this.kind = kind;
    this.param = options.param;
    this.headers = options.headers;
    this.upstreamCode = options.upstreamCode;
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}

/** Anything thrown that is not a GatewayError becomes an opaque internal error; its message is not shown to clients. */
export function toGatewayError(value: unknown): GatewayError {
  if (value instanceof GatewayError) return value;
  return new GatewayError('GW_ERR_INTERNAL', 500, 'internal', 'internal gateway error', { cause: value });
}
