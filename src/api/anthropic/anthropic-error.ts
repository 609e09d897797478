import type { GatewayError } from '../../errors/gateway-error.js';
import { anthropicTypeForKind } from '../../translate/anthropic/error-types.js';

/** `{"type":"error","error":{"type","message"},"request_id"}`, the Anthropic error shape. */
export function anthropicErrorBody(error: GatewayError, requestId: string): string {
  return JSON.stringify({
    type: 'error',
    error: { type: anthropicTypeForKind(error.kind), message: error.message },
    request_id: requestId,
  });
}

/** The Anthropic stream `error` event; the SDKs raise it as an APIError. */
export function anthropicStreamErrorEvent(message: string, type = 'api_error'): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}\n\n`;
}
