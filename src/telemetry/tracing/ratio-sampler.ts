import { ROOT_CONTEXT } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';

/**
 * Whether a new trace is sampled, by its id, at `ratio` (below 1): the SDK's trace-id ratio sampler. Its own
 * module, imported only for a ratio below 1 (at 1 every valid id is sampled): sdk-trace-base loads the whole
 * tracing SDK.
 */
export function ratioSampler(ratio: number): (traceId: string) => boolean {
  const sampler = new TraceIdRatioBasedSampler(ratio);
  return (traceId) => sampler.shouldSample(ROOT_CONTEXT, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;
}
