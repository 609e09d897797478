import type { EncodeContext } from '../contract.js';
import type { IrResponse } from '../ir/types.js';
import { outputItems } from './output-items.js';
import { responseObject } from './response-object.js';
import { outcomeOf } from './stop-reason.js';
import { clientToolNames } from './tool-namespaces.js';
import { responsesUsage } from './usage.js';
import type { ResponseObject } from './wire.js';

/** The Response object for a finished upstream response (non-streaming `POST /v1/responses`). */
export function encodeResponsesResponse(response: IrResponse, context: EncodeContext): ResponseObject {
  const outcome = outcomeOf(response.stopReason);
  return responseObject(context, {
    id: context.newId('resp_'),
    model: response.model,
    status: outcome.status,
    incompleteDetails: outcome.incompleteDetails,
    output: outputItems(
      response.content,
      outcome.status === 'incomplete',
      (prefix) => context.newId(prefix),
      clientToolNames(context.clientRequest),
    ),
    usage: responsesUsage(response.usage),
  });
}
