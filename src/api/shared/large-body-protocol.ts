import type { ErrorKind } from '../../errors/gateway-error.js';

/** A body for the large-body worker: its chunks as they arrived, moved (not copied) there; joined, they come back. */
export interface LargeBodyJob {
  id: number;
  chunks: Uint8Array[];
  /** `parse`: check and summarize the body; `estimate`: count_tokens' local estimate of its input tokens. */
  task: 'parse' | 'estimate';
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
  /** The large fields, each with its JSON type, so a type check needs no parse on the main thread. */
  large: Array<[key: string, kind: JsonKind]>;
}

export type JsonKind = 'array' | 'object' | 'string' | 'number' | 'boolean' | 'null';

export function jsonKind(value: unknown): JsonKind | 'undefined' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as JsonKind | 'undefined';
}

export type LargeBodyAnswer = { id: number; bytes: ArrayBuffer } & (
  | { summary: LargeBodySummary }
  | { tokens: number }
  | { refusal: LargeBodyRefusal }
  | { crash: string }
);
