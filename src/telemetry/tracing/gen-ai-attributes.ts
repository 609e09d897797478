import type { AttributeValue } from '@opentelemetry/api';
import type { EntryPoint, RequestRecord } from '../request-record.js';
import { AttributeSet, attributeKey } from './otlp-span-encoder.js';
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

/**
 * What the server span learns once the request is over and repeats from request to request as a combination
 * (its path, status, route mode, models, provider, client, error), kept encoded together (see AttributeSet).
 */
const serverEnd = new AttributeSet([
  keys.urlPath,
  keys.statusCode,
  keys.routeMode,
  keys.attempts,
  keys.requestModel,
  keys.responseModel,
  keys.providerName,
  keys.provider,
  keys.lastProviderTried,
  keys.client,
  keys.usageEstimated,
  keys.errorType,
]);

/** The values of `serverEnd` for the request being ended, filled in place (nothing is made per request). */
const serverEndValues: (AttributeValue | undefined)[] = new Array(serverEnd.keys.length).fill(undefined);

/**
 * What the server span learns once the request is over: models, provider, usage, route and status. `amg.provider`
 * is absent when no target answered, and `amg.provider.last_tried` then names the provider of the last attempt,
 * the one the request metrics file the failure under. `amg.usage.estimated` marks usage counts that are the
 * gateway's estimate, not the provider's (see `estimatedUsage`).
 */
export function serverEndAttributes(
  record: RequestRecord,
  path: string,
  providerType: string | undefined,
  out: Pick<SpanWriter, 'attribute' | 'attributeSet'>,
): void {
  const values = serverEndValues;
  values[0] = path;
  values[1] = record.status;
  values[2] = record.routeMode;
  values[3] = record.attempts.length;
  values[4] = record.requestedModel ?? undefined;
  values[5] = record.upstreamModel ?? undefined;
  values[6] = providerType;
  values[7] = record.provider ?? undefined;
  values[8] = record.provider === null ? record.attempts.at(-1)?.provider : undefined;
  values[9] = record.client ?? undefined;
  values[10] = estimatedUsage(record);
  values[11] = record.errorCode ?? undefined;
  out.attributeSet(serverEnd, values);
  out.attribute(keys.requestId, record.id);
  if (record.inputTokens !== null) out.attribute(keys.inputTokens, record.inputTokens);
  if (record.outputTokens !== null) out.attribute(keys.outputTokens, record.outputTokens);
}

/**
 * `amg.usage.estimated`: true when the usage counts are the gateway's estimate, not the provider's (a client that
 * left before the usage came: the prompt's size and the text relayed, or a non-streamed answer's output cap).
 */
export function estimatedUsage(record: RequestRecord): true | undefined {
  return record.usageEstimated === true ? true : undefined;
}
