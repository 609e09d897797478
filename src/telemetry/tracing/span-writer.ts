import {
  type Attributes,
  type AttributeValue,
  type SpanKind,
  type SpanStatus,
  TraceFlags,
  type TraceState,
} from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { AttributeKey, AttributeRun, AttributeSet } from './otlp-span-encoder.js';
import { RecordedSpan, type Scope } from './recorded-span.js';

/**
 * Where a request's ended spans go, one field at a time: `beginSpan`, its attributes, `endSpan`. For OTLP
 * protobuf the queue writes them straight into its batch (EncodingSpanQueue), so a traced request makes no span
 * object, context or attribute map at all; for OTLP/JSON they become a RecordedSpan for the SDK's processor.
 */
/**
 * A span's ids as bytes where they are at hand (cut from the pooled id generator's buffers): each a buffer and the
 * offset of the id in it, or undefined where only the hex is (a caller's trace id, a remote parent). Filled in
 * place before each `beginSpan` (one object for every span: nothing is made per span).
 */
export interface IdBytes {
  trace: Uint8Array | undefined;
  traceAt: number;
  span: Uint8Array | undefined;
  spanAt: number;
  parent: Uint8Array | undefined;
  parentAt: number;
}

export interface SpanWriter {
  /**
   * Starts an ended, sampled span; `remoteParent` is the parent context's isRemote. `ids`: the same ids as bytes,
   * where known (the hex is decoded where not).
   */
  beginSpan(
    traceId: string,
    spanId: string,
    traceState: TraceState | undefined,
    parentSpanId: string | undefined,
    remoteParent: boolean,
    name: string,
    kind: SpanKind,
    startMs: number,
    endMs: number,
    ids?: IdBytes,
  ): void;
  attribute(key: AttributeKey, value: AttributeValue): void;
  /** Attributes that come together unchanged from span to span: as `attribute` of each, in order. */
  attributeRun(run: AttributeRun): void;
  /** Attributes whose values repeat together: `values[i]` for `set.keys[i]`, in order (undefined: absent). */
  attributeSet(set: AttributeSet, values: readonly (AttributeValue | undefined)[]): void;
  /** Attributes given as a map (what content capture adds). */
  attributes(attributes: Attributes): void;
  endSpan(status: SpanStatus): void;
}

/** Spans written field by field, made into RecordedSpans for `record` (the OTLP/JSON path). */
export class RecordingSpanWriter implements SpanWriter {
  private span: RecordedSpan | undefined;

  constructor(
    private readonly resource: Resource,
    private readonly scope: Scope,
    private readonly record: (span: RecordedSpan) => void,
  ) {}

  beginSpan(
    traceId: string,
    spanId: string,
    traceState: TraceState | undefined,
    parentSpanId: string | undefined,
    remoteParent: boolean,
    name: string,
    kind: SpanKind,
    startMs: number,
    endMs: number,
    // The ids' bytes: a RecordedSpan keeps the hex.
    _ids?: IdBytes,
  ): void {
    const traceFlags = TraceFlags.SAMPLED;
    const context = { traceId, spanId, traceFlags, traceState };
    const parent =
      parentSpanId === undefined
        ? undefined
        : { traceId, spanId: parentSpanId, traceFlags, traceState, isRemote: remoteParent };
    const span = new RecordedSpan(name, kind, context, parent, {}, startMs, this.resource, this.scope);
    span.finish(endMs);
    this.span = span;
  }

  attribute(key: AttributeKey, value: AttributeValue): void {
    if (this.span) this.span.attributes[key.name] = value;
  }

  attributeRun(run: AttributeRun): void {
    const span = this.span;
    if (span === undefined) return;
    for (const [key, value] of run.entries) span.attributes[key.name] = value;
  }

  attributeSet(set: AttributeSet, values: readonly (AttributeValue | undefined)[]): void {
    const span = this.span;
    if (span === undefined) return;
    for (let i = 0; i < set.keys.length; i++) {
      const value = values[i];
      if (value !== undefined) span.attributes[(set.keys[i] as AttributeKey).name] = value;
    }
  }

  attributes(attributes: Attributes): void {
    if (this.span) Object.assign(this.span.attributes, attributes);
  }

  endSpan(status: SpanStatus): void {
    const span = this.span;
    if (span === undefined) return;
    this.span = undefined;
    span.status = status;
    this.record(span);
  }
}
