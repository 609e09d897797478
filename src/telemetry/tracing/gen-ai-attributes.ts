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
 * `amg.*`), each encoded once for the OTLP protobuf writer.
 */
export const keys = {
  httpMethod: attributeKey('http.request.method'),
  urlPath: attributeKey('url.path'),
  httpRoute: attributeKey('http.route'),
  operation: attributeKey('gen_ai.operation.name'),
  statusCode: attributeKey('http.response.status_code'),
  requestId: attributeKey('amg.request.id'),
  routeMode: attributeKey('amg.route.mode'),
  attempts: attributeKey('amg.attempts'),
  attempt: attributeKey('amg.attempt'),
  requestModel: attributeKey('gen_ai.request.model'),
  responseModel: attributeKey('gen_ai.response.model'),
  providerName: attributeKey('gen_ai.provider.name'),
  provider: attributeKey('amg.provider'),
  client: attributeKey('amg.client'),
  inputTokens: attributeKey('gen_ai.usage.input_tokens'),
  outputTokens: attributeKey('gen_ai.usage.output_tokens'),
  errorType: attributeKey('error.type'),
  serverAddress: attributeKey('server.address'),
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
  if (record.client !== null) out.attribute(keys.client, record.client);
  if (record.inputTokens !== null) out.attribute(keys.inputTokens, record.inputTokens);
  if (record.outputTokens !== null) out.attribute(keys.outputTokens, record.outputTokens);
  if (record.errorCode !== null) out.attribute(keys.errorType, record.errorCode);
}
