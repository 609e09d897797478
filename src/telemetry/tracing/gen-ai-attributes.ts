import type { Attributes } from '@opentelemetry/api';
import type { EntryPoint, RequestRecord } from '../request-record.js';

/** `gen_ai.operation.name` by entry point (GenAI semantic conventions); absent for listing and counting. */
export function operationName(entryPoint: EntryPoint): string | undefined {
  switch (entryPoint) {
    case 'chat.completions':
    case 'messages':
    case 'responses':
      return 'chat';
    case 'embeddings':
      return 'embeddings';
    default:
      return undefined;
  }
}

/**
 * What the server span learns once the request is over: models, provider, usage, route and status, set on
 * `attributes` (a new object unless one is given).
 */
export function serverEndAttributes(
  record: RequestRecord,
  providerType: string | undefined,
  attributes: Attributes = {},
): Attributes {
  attributes['http.response.status_code'] = record.status;
  attributes['amg.request.id'] = record.id;
  attributes['amg.route.mode'] = record.routeMode;
  attributes['amg.attempts'] = record.attempts.length;
  if (record.requestedModel !== null) attributes['gen_ai.request.model'] = record.requestedModel;
  if (record.upstreamModel !== null) attributes['gen_ai.response.model'] = record.upstreamModel;
  if (providerType !== undefined) attributes['gen_ai.provider.name'] = providerType;
  if (record.provider !== null) attributes['amg.provider'] = record.provider;
  if (record.client !== null) attributes['amg.client'] = record.client;
  if (record.inputTokens !== null) attributes['gen_ai.usage.input_tokens'] = record.inputTokens;
  if (record.outputTokens !== null) attributes['gen_ai.usage.output_tokens'] = record.outputTokens;
  if (record.errorCode !== null) attributes['error.type'] = record.errorCode;
  return attributes;
}
