import type { GatewayError } from '../../errors/gateway-error.js';
import { anthropicErrorBody } from '../anthropic/anthropic-error.js';
import { openaiErrorBody } from '../openai/openai-error.js';
import type { ClientDialect } from './client-dialect.js';

export function errorBody(dialect: ClientDialect, error: GatewayError, requestId: string): string {
  return dialect === 'anthropic' ? anthropicErrorBody(error, requestId) : openaiErrorBody(error);
}
