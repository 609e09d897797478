import type { Attributes } from '@opentelemetry/api';
import type { RequestRecord } from '../request-record.js';
import type { SpanContent } from './request-tracer.js';
import { inputContent, outputContent } from './span-content.js';

/**
 * Room for the response bytes a completion is rebuilt from; beyond it the rest is not kept. A stream's framing
 * outweighs its text many times over (~200 bytes of JSON per few characters of a chat chunk), so the bound is
 * on the bytes sent, not on the content attribute's size.
 */
const MAX_CAPTURED_BYTES = 1024 * 1024;

/** A request's prompt (set at once) and the response bytes as sent, kept up to a bound. */
export class CapturedContent implements SpanContent {
  attributes: Attributes = {};
  private readonly chunks: Buffer[] = [];
  private bytes = 0;

  constructor(
    private readonly entryPoint: RequestRecord['entryPoint'],
    readonly maxBytes: number,
  ) {}

  input(body: Record<string, unknown>): void {
    this.attributes = inputContent(this.entryPoint, body, this.maxBytes);
  }

  output(chunk: Buffer | string): void {
    const limit = MAX_CAPTURED_BYTES;
    if (this.bytes >= limit) return;
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const kept = buffer.length > limit - this.bytes ? buffer.subarray(0, limit - this.bytes) : buffer;
    this.chunks.push(kept);
    this.bytes += kept.length;
  }

  /** The prompt, and for an answer that succeeded the completion rebuilt from what was sent. */
  finish(record: RequestRecord): Attributes {
    if (record.status < 200 || record.status >= 300 || this.bytes === 0) return this.attributes;
    const sent = Buffer.concat(this.chunks).toString('utf8');
    // Object.assign rather than spreads: properties added to a spread copy go through V8's runtime (~0.85 µs a
    // call against ~36 ns; see bench/tracer-headers.mjs).
    return Object.assign({}, this.attributes, outputContent(this.entryPoint, sent, record.stream, this.maxBytes));
  }
}
