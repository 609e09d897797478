import type { ServerResponse } from 'node:http';

/** A Responses API answer as OpenAI (and Azure) sends it: one message with output_text, usage at the end. */
export function responseObject(model: string, text: string, status: 'in_progress' | 'completed' = 'completed') {
  const done = status === 'completed';
  return {
    id: 'resp_fake_0001',
    object: 'response',
    created_at: 1_700_000_000,
    status,
    model,
    output: done
      ? [
          {
            id: 'msg_fake_0001',
            type: 'message',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text, annotations: [] }],
          },
        ]
      : [],
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    store: false,
    usage: done
      ? {
          input_tokens: 9,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 4,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 13,
        }
      : null,
  };
}

/** Streams a Responses answer: created, in_progress, the item and its text deltas, completed (with usage). */
export function streamResponse(
  res: ServerResponse,
  model: string,
  text: string,
  pieces = 3,
  /** Send this many events, then hold the stream open (never completed) until the gateway hangs up. */
  stallAfter = Number.POSITIVE_INFINITY,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  let sequence = 0;
  const send = (type: string, fields: Record<string, unknown>) => {
    if (sequence >= stallAfter) return;
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`);
  };
  const item = { id: 'msg_fake_0001', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
  send('response.created', { response: responseObject(model, text, 'in_progress') });
  send('response.in_progress', { response: responseObject(model, text, 'in_progress') });
  send('response.output_item.added', { output_index: 0, item });
  const part = { type: 'output_text', text: '', annotations: [] };
  send('response.content_part.added', { item_id: item.id, output_index: 0, content_index: 0, part });
  const size = Math.ceil(text.length / pieces);
  for (let at = 0; at < text.length; at += size) {
    const delta = text.slice(at, at + size);
    send('response.output_text.delta', { item_id: item.id, output_index: 0, content_index: 0, delta });
  }
  send('response.output_text.done', { item_id: item.id, output_index: 0, content_index: 0, text });
  const donePart = { ...part, text };
  send('response.content_part.done', { item_id: item.id, output_index: 0, content_index: 0, part: donePart });
  const doneItem = { ...item, status: 'completed', content: [donePart] };
  send('response.output_item.done', { output_index: 0, item: doneItem });
  send('response.completed', { response: responseObject(model, text) });
  if (sequence < stallAfter) res.end();
}
