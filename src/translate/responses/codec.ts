import type { ClientCodec } from '../contract.js';
import { responsesClientField } from './client-field.js';
import { parseResponsesRequest } from './request-from-client.js';
import { encodeResponsesResponse } from './response-to-client.js';
import { ResponsesStreamEncoder } from './stream-to-client.js';

/**
 * The OpenAI Responses client dialect (`POST /v1/responses`). Client side only: no provider speaks Responses
 * upstream, so requests always go through the IR. The gateway is stateless and answers `store: false`.
 */
export const responsesClientCodec: ClientCodec = {
  parseRequest: parseResponsesRequest,
  encodeResponse: encodeResponsesResponse,
  streamEncoder: (context) => new ResponsesStreamEncoder(context),
  clientField: responsesClientField,
};
