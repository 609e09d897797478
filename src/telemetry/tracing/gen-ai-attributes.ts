import type { EntryPoint, RequestRecord } from '../request-record.js';
import { attributeKey } from './otlp-span-encoder.js';
import type { SpanWriter } from './span-writer.js';

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
 * Every attribute key the gateway's spans carry (GenAI and HTTP semantic conventions, and the gateway's own
 * `amg.*`), each encoded once for the OTLP protobuf writer. Keys whose values come from the config or a small set
 * (methods, routes, statuses, route modes, providers, models, clients, error codes) also keep each value's
 * encoding (`attributeKey(name, true)`); request ids and token counts are written afresh.
 */
export const keys = {
  httpMethod: attributeKey('http.request.method', true),
  urlPath: attributeKey('url.path', true),
  httpRoute: attributeKey('http.route', true),
  operation: attributeKey('gen_ai.operation.name', true),
  statusCode: attributeKey('http.response.status_code', true),
  requestId: attributeKey('amg.request.id'),
  routeMode: attributeKey('amg.route.mode', true),
  attempts: attributeKey('amg.attempts', true),
  attempt: attributeKey('amg.attempt', true),
  requestModel: attributeKey('gen_ai.request.model', true),
  responseModel: attributeKey('gen_ai.response.model', true),
  providerName: attributeKey('gen_ai.provider.name', true),
  provider: attributeKey('amg.provider', true),
  lastProviderTried: attributeKey('amg.provider.last_tried', true),
  client: attributeKey('amg.client', true),
  inputTokens: attributeKey('gen_ai.usage.input_tokens'),
  outputTokens: attributeKey('gen_ai.usage.output_tokens'),
  usageEstimated: attributeKey('amg.usage.estimated', true),
  errorType: attributeKey('error.type', true),
  serverAddress: attributeKey('server.address', true),
};

/** What the server span learns once the request is over: models, provider, usage, route and status. */
export function serverEndAttributes(
  record: RequestRecord,
  providerType: string | undefined,
  out: Pick<SpanWriter, 'attribute'>,
): void {
  out.attribute(keys.statusCode, record.status);
  out.attribute(keys.requestId, record.id);
  out.attribute(keys.routeMode, record.routeMode);
  out.attribute(keys.attempts, record.attempts.length);
  if (record.requestedModel !== null) out.attribute(keys.requestModel, record.requestedModel);
  if (record.upstreamModel !== null) out.attribute(keys.responseModel, record.upstreamModel);
  if (providerType !== undefined) out.attribute(keys.providerName, providerType);
  if (record.provider !== null) out.attribute(keys.provider, record.provider);
  else lastProviderTried(record, out);
  if (record.client !== null) out.attribute(keys.client, record.client);
  if (record.inputTokens !== null) out.attribute(keys.inputTokens, record.inputTokens);
  if (record.outputTokens !== null) out.attribute(keys.outputTokens, record.outputTokens);
  markEstimatedUsage(record, out);
  if (record.errorCode !== null) out.attribute(keys.errorType, record.errorCode);
}

/**
 * No target answered: `amg.provider` stays absent (none answered) and `amg.provider.last_tried` names the provider
 * of the last attempt, the one the request metrics file the failure under.
 */
function lastProviderTried(record: RequestRecord, out: Pick<SpanWriter, 'attribute'>): void {
  const last = record.attempts.at(-1)?.provider;
  if (last !== undefined) out.attribute(keys.lastProviderTried, last);
}

/**
 * The usage counts are the gateway's estimate, not the provider's (a client that left before the usage came:
 * the prompt's size and the text relayed, or a non-streamed answer's output cap): `amg.usage.estimated`.
 */
export function markEstimatedUsage(record: RequestRecord, out: Pick<SpanWriter, 'attribute'>): void {
  if (record.usageEstimated === true) out.attribute(keys.usageEstimated, true);
}
