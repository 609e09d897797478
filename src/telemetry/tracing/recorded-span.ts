import type { Attributes, HrTime, Link, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';
import { hrTimeDuration, millisToHrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

/** The instrumentation scope every span of the gateway is exported under. */
export interface Scope {
  name: string;
  version: string;
}

const UNSET: SpanStatus = { code: 0 };
const NONE: [] = [];

/**
 * A finished span as the OTLP exporters read it, recorded directly by the gateway. The SDK's own span checks
 * every attribute (key, value type, count and length limits), warns through `diag`, converts times, feeds
 * self-metrics and walks a processor chain, per call; the gateway sets a known set of string and number
 * attributes on spans it owns from start to end, so none of that can change what is exported.
 */
export class RecordedSpan implements ReadableSpan {
  /** Epoch milliseconds (fractional); the protobuf encoder reads these, not the HrTime arrays. */
  readonly startMs: number;
  endMs = 0;
  status: SpanStatus = UNSET;
  ended = false;
  readonly links: Link[] = NONE;
  readonly events: TimedEvent[] = NONE;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;

  constructor(
    readonly name: string,
    readonly kind: SpanKind,
    private readonly context: SpanContext,
    readonly parentSpanContext: SpanContext | undefined,
    readonly attributes: Attributes,
    /** Epoch milliseconds, fractional. */
    startMs: number,
    readonly resource: Resource,
    readonly instrumentationScope: Scope,
  ) {
    this.startMs = startMs;
  }

  get startTime(): HrTime {
    return millisToHrTime(this.startMs);
  }

  get endTime(): HrTime {
    return millisToHrTime(this.endMs);
  }

  spanContext(): SpanContext {
    return this.context;
  }

  get duration(): HrTime {
    return hrTimeDuration(this.startTime, this.endTime);
  }

  /** Ends the span at `endMs` (epoch milliseconds); false when it had already ended. */
  finish(endMs: number): boolean {
    if (this.ended) return false;
    this.ended = true;
    this.endMs = endMs;
    return true;
  }
}
