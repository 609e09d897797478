import type { ErrorKind } from '../../errors/gateway-error.js';

/** A body for the large-body worker: its bytes, transferred (not copied) there and back. */
export interface LargeBodyJob {
  id: number;
  bytes: ArrayBuffer;
}

/** A refusal, as the plain fields of the GatewayError the main thread rebuilds. */
export interface LargeBodyRefusal {
  code: string;
  status: number;
  kind: ErrorKind;
  message: string;
  param: string | undefined;
}

/**
 * The parsed body as the main thread needs it: every top-level key in order, the values of the small ones, and
 * the names of the large ones, which stay unparsed on the main thread until something reads them.
 */
export interface LargeBodySummary {
  keys: string[];
  small: Record<string, unknown>;
  large: string[];
}

export type LargeBodyAnswer = { id: number; bytes: ArrayBuffer } & (
  | { summary: LargeBodySummary }
  | { refusal: LargeBodyRefusal }
  | { crash: string }
);
