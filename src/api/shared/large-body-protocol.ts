import type { ErrorKind } from '../../errors/gateway-error.js';
import type { UpstreamTargetSpec } from './upstream-request.js';

/** A body for the large-body worker: its chunks as they arrived, moved (not copied) there; joined, they come back. */
export interface LargeBodyJob {
  id: number;
  chunks: Uint8Array[];
  /**
   * `parse`: check and summarize the body; `estimate`: count_tokens' local estimate of its input tokens;
   * `translate`: the upstream request of a translated target (`translation` says which).
   */
  task: 'parse' | 'estimate' | 'translate';
  translation?: TranslationJob | undefined;
}

/** The client dialects whose requests the worker can translate. */
export type ClientCodecName = 'openai-chat' | 'anthropic' | 'responses';

/** A client request to translate on the worker, as TranslatableRequest and translatedPlan do on the main thread. */
export interface TranslationJob {
  client: ClientCodecName;
  /** Top-level fields set over the parsed body (Responses' `store` echo), as a spread `{ ...body, ...fields }`. */
  fields: Record<string, unknown> | undefined;
  strict: boolean;
  /** Hints outside the body that a translation drops (e.g. the `anthropic-beta` header). */
  dropped: string[];
  /** Absent: only parse and check the request (what a translated target would refuse, before routing). */
  target: UpstreamTargetSpec | undefined;
  /** Responses: list `input` as a stored turn keeps it (listedItems), ids made from this stem. */
  listStem?: string | undefined;
}

/** The worker's translation: the upstream body (UTF-8 JSON, moved back) and what the main thread still needs. */
export interface TranslatedRequest {
  upstream: ArrayBuffer | undefined;
  stream: boolean;
  dropped: string[];
  /** The tool names rewritten for the upstream (UpstreamRequestText.toolNames). */
  toolNames?: Record<string, string> | undefined;
  /** The listed input items as UTF-8 JSON (moved back, not copied), when `listStem` asked for them. */
  listed?: ArrayBuffer | undefined;
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
  | { translated: TranslatedRequest }
  | { refusal: LargeBodyRefusal }
  | { crash: string }
);
