import type { EncodeContext } from '../contract.js';
import { isJsonObject, type Json } from './field-readers.js';
import type {
  IncompleteDetails,
  OutputItem,
  ResponseError,
  ResponseObject,
  ResponseStatus,
  ResponsesUsage,
} from './wire.js';

/** What differs between one Response object and the next; everything else echoes the client's request. */
export interface ResponseState {
  id: string;
  model: string;
  status: ResponseStatus;
  output: OutputItem[];
  usage: ResponsesUsage | null;
  incompleteDetails?: IncompleteDetails | null | undefined;
  error?: ResponseError | null | undefined;
}

/**
 * A Response object as OpenAI answers it, echoing the client's parameters with the API's defaults for those it
 * left out. `store` is true only when the entry point set it (it decides whether the gateway keeps the
 * response), and `temperature` / `top_p` are null when the client gave none, since the upstream's defaults are
 * not known here.
 */
export function responseObject(context: EncodeContext, state: ResponseState): ResponseObject {
  const request = context.clientRequest;
  const object: ResponseObject = {
    id: state.id,
    object: 'response',
    created_at: context.createdAt,
    status: state.status,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.incompleteDetails ?? null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    metadata: request.metadata ?? {},
    model: state.model,
    output: state.output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: typeof request.previous_response_id === 'string' ? request.previous_response_id : null,
    reasoning: reasoningEcho(request.reasoning),
    store: request.store === true,
    temperature: request.temperature ?? null,
    text: textEcho(request.text),
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? null,
    truncation: request.truncation ?? 'disabled',
    usage: state.usage,
    user: request.user ?? null,
  };
  if (request.safety_identifier !== undefined) object.safety_identifier = request.safety_identifier;
  return object;
}

function reasoningEcho(value: unknown): ResponseObject['reasoning'] {
  const reasoning: Json = isJsonObject(value) ? value : {};
  return { effort: reasoning.effort ?? null, summary: reasoning.summary ?? reasoning.generate_summary ?? null };
}

function textEcho(value: unknown): unknown {
  const text: Json = isJsonObject(value) ? value : {};
  return { ...text, format: text.format ?? { type: 'text' } };
}
