import type { GatewayError } from '../../errors/gateway-error.js';
import { anthropicTypeForKind } from '../../translate/anthropic/error-types.js';

/**
 * The message an Anthropic client reads. Its error shape has no `param`, so the field goes where Anthropic puts
 * it, at the start of the message (`top_k: ...`), unless the message already starts with it.
 */
function messageNamingParam(error: GatewayError): string {
  const param = error.param;
  if (param === undefined || error.message.startsWith(`${param}:`)) return error.message;
  return `${param}: ${error.message}`;
}

/** `{"type":"error","error":{"type","message"},"request_id"}`, the Anthropic error shape. */
export function anthropicErrorBody(error: GatewayError, requestId: string): string {
  return JSON.stringify({
    type: 'error',
    error: { type: anthropicTypeForKind(error.kind), message: messageNamingParam(error) },
    request_id: requestId,
  });
}

/** The Anthropic stream `error` event; the SDKs raise it as an APIError. */
export function anthropicStreamErrorEvent(message: string, type = 'api_error'): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}\n\n`;
}
