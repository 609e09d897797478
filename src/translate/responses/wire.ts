/**
 * The parts of the OpenAI Responses wire format the gateway writes, as the official SDK types them
 * (openai/resources/responses/responses.d.ts). Only what the gateway produces is modelled here; what clients
 * send is read field by field from untrusted JSON in the parsers.
 */

export interface OutputTextPart {
  type: 'output_text';
  text: string;
  annotations: [];
  logprobs: OutputLogprob[];
}

/** A token's log probability in an output_text part (`ResponseOutputText.Logprob`). */
export interface OutputLogprob {
  token: string;
  bytes: number[];
  logprob: number;
  top_logprobs: Array<{ token: string; bytes: number[]; logprob: number }>;
}

/** A token's log probability in `response.output_text.delta` / `.done` events (no bytes there). */
export interface EventLogprob {
  token: string;
  logprob: number;
  top_logprobs: Array<{ token: string; logprob: number }>;
}

export interface RefusalPart {
  type: 'refusal';
  refusal: string;
}

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface MessageItem {
  id: string;
  type: 'message';
  status: ItemStatus;
  role: 'assistant';
  content: Array<OutputTextPart | RefusalPart>;
}

export interface FunctionCallItem {
  id: string;
  type: 'function_call';
  status: ItemStatus;
  call_id: string;
  name: string;
  /** The namespace group the tool belongs to, when the client declared it in one (tool-namespaces.ts). */
  namespace?: string;
  arguments: string;
}

export interface SummaryTextPart {
  type: 'summary_text';
  text: string;
}

export interface ReasoningItem {
  id: string;
  type: 'reasoning';
  summary: SummaryTextPart[];
  /** The gateway's envelope (see reasoning-envelope.ts); absent until the thinking block is complete. */
  encrypted_content?: string;
}

/** A call of a custom (freeform) tool: its raw input, not JSON arguments (custom-tools.ts). */
export interface CustomToolCallItem {
  id: string;
  type: 'custom_tool_call';
  status: ItemStatus;
  call_id: string;
  name: string;
  input: string;
}

export type OutputItem = MessageItem | FunctionCallItem | CustomToolCallItem | ReasoningItem;

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface IncompleteDetails {
  reason: 'max_output_tokens' | 'content_filter';
}

export interface ResponseError {
  code: string;
  message: string;
}

/**
 * The Response object; the echoed request parameters are kept loosely typed, they are the client's own values.
 * A type alias rather than an interface so it is assignable to the codec's Record<string, unknown>.
 */
export type ResponseObject = {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  background: false;
  error: ResponseError | null;
  incomplete_details: IncompleteDetails | null;
  instructions: unknown;
  max_output_tokens: unknown;
  metadata: unknown;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: unknown;
  previous_response_id: string | null;
  reasoning: { effort: unknown; summary: unknown };
  store: boolean;
  temperature: unknown;
  text: unknown;
  tool_choice: unknown;
  tools: unknown;
  top_p: unknown;
  truncation: unknown;
  usage: ResponsesUsage | null;
  user: unknown;
  safety_identifier?: unknown;
};

interface ItemRef {
  item_id: string;
  output_index: number;
}

interface ContentRef extends ItemRef {
  content_index: number;
}

interface SummaryRef extends ItemRef {
  summary_index: number;
}

/** Stream events without `sequence_number`, which the encoder stamps as it writes them. */
export type ResponsesStreamEvent =
  | { type: 'response.created' | 'response.in_progress'; response: ResponseObject }
  | { type: 'response.completed' | 'response.incomplete' | 'response.failed'; response: ResponseObject }
  | { type: 'response.output_item.added' | 'response.output_item.done'; output_index: number; item: OutputItem }
  | ({ type: 'response.content_part.added' | 'response.content_part.done'; part: OutputTextPart } & ContentRef)
  | ({ type: 'response.output_text.delta'; delta: string; logprobs: EventLogprob[] } & ContentRef)
  | ({ type: 'response.output_text.done'; text: string; logprobs: EventLogprob[] } & ContentRef)
  | ({ type: 'response.function_call_arguments.delta'; delta: string } & ItemRef)
  | ({ type: 'response.function_call_arguments.done'; arguments: string; name: string } & ItemRef)
  | ({ type: 'response.custom_tool_call_input.delta'; delta: string } & ItemRef)
  | ({ type: 'response.custom_tool_call_input.done'; input: string } & ItemRef)
  | ({
      type: 'response.reasoning_summary_part.added' | 'response.reasoning_summary_part.done';
      part: SummaryTextPart;
    } & SummaryRef)
  | ({ type: 'response.reasoning_summary_text.delta'; delta: string } & SummaryRef)
  | ({ type: 'response.reasoning_summary_text.done'; text: string } & SummaryRef)
  | {
      type: 'error';
      code: string;
      message: string;
      param: null;
      error: { type: string; code: string; message: string; param: null };
    };
