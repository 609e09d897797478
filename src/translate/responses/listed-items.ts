import { isJsonObject, type Json } from './field-readers.js';

/**
 * A request's `input` as the items `GET /v1/responses/{id}/input_items` lists and a later turn replays: every
 * item with its `type` and an `id`, string input and string message content as content parts, as OpenAI lists
 * them. Run only on input the parser has accepted, so every element is an object.
 */
export type ListedItem = Record<string, unknown>;

const ID_PREFIX: Readonly<Record<string, string>> = {
  message: 'msg_',
  function_call: 'fc_',
  function_call_output: 'fco_',
  reasoning: 'rs_',
};

/** Ids for input items sent without one, from the request id's stem, numbered in order of listing. */
export function itemIds(stem: string): (prefix: string) => string {
  let counter = 0;
  return (prefix) => `${prefix}${stem}_${(counter++).toString(36)}`;
}

export function listedItems(input: unknown, newId: (prefix: string) => string): ListedItem[] {
  if (typeof input === 'string') {
    return [
      {
        id: newId('msg_'),
        type: 'message',
        role: 'user',
        status: 'completed',
        content: [{ type: 'input_text', text: input }],
      },
    ];
  }
  if (!Array.isArray(input)) return [];
  return input.filter(isJsonObject).map((item) => listedItem(item, newId));
}

function listedItem(item: Json, newId: (prefix: string) => string): ListedItem {
  const type = typeof item.type === 'string' ? item.type : 'message';
  const listed: ListedItem = { ...item, type };
  if (typeof item.id !== 'string') listed.id = newId(ID_PREFIX[type] ?? 'item_');
  if (type === 'message') {
    if (typeof item.content === 'string') {
      const partType = item.role === 'assistant' ? 'output_text' : 'input_text';
      listed.content = [
        partType === 'output_text'
          ? { type: partType, text: item.content, annotations: [] }
          : { type: partType, text: item.content },
      ];
    }
    listed.status ??= 'completed';
  }
  return listed;
}
