import type { Attributes } from '@opentelemetry/api';
import type { EntryPoint } from '../request-record.js';

/**
 * Prompt and completion content for spans (`telemetry.otlp.capture_content`), as the GenAI semantic conventions
 * name it: `gen_ai.input.messages` and `gen_ai.system_instructions` (the client's own message shapes, JSON), and
 * `gen_ai.output.messages` (`[{ role, parts: [{ type: 'text' | 'reasoning' | 'tool_call', … }], finish_reason }]`),
 * rebuilt from the answer the client was sent, JSON or stream. Pure: no I/O, nothing read but its arguments.
 */

type Json = Record<string, unknown>;
type Part =
  | { type: 'text'; content: string }
  | { type: 'reasoning'; content: string }
  | { type: 'tool_call'; id?: string; name?: string; arguments?: unknown };
interface OutputMessage {
  role: 'assistant';
  parts: Part[];
  finish_reason?: string;
}

const TRUNCATED = '…[truncated]';

/** `text` cut to at most `maxBytes` UTF-8 bytes, marked when cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const cut = Buffer.from(text).subarray(0, Math.max(0, maxBytes - Buffer.byteLength(TRUNCATED)));
  // A cut inside a multi-byte character decodes to U+FFFD; drop it.
  return `${cut.toString('utf8').replace(/\uFFFD$/, '')}${TRUNCATED}`;
}

const asObject = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** What the client asked: its messages (or Responses input) and its system instructions. */
export function inputContent(entryPoint: EntryPoint, body: Json, maxBytes: number): Attributes {
  const attributes: Attributes = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) {
      attributes[key] = truncateUtf8(typeof value === 'string' ? value : JSON.stringify(value), maxBytes);
    }
  };
  if (entryPoint === 'chat.completions' || entryPoint === 'messages' || entryPoint === 'messages.count_tokens') {
    set('gen_ai.input.messages', body.messages);
    set('gen_ai.system_instructions', body.system);
  } else if (entryPoint === 'responses') {
    set('gen_ai.input.messages', body.input);
    set('gen_ai.system_instructions', body.instructions);
  } else if (entryPoint === 'embeddings') {
    set('gen_ai.input.messages', body.input);
  }
  return attributes;
}

function chatMessages(answer: Json): OutputMessage[] {
  return asArray(answer.choices).map((choice) => {
    const message = asObject(asObject(choice)?.message) ?? {};
    const parts: Part[] = [];
    const reasoning = asString(message.reasoning_content) ?? asString(message.reasoning);
    if (reasoning) parts.push({ type: 'reasoning', content: reasoning });
    const text = asString(message.content);
    if (text) parts.push({ type: 'text', content: text });
    for (const call of asArray(message.tool_calls)) {
      const fn = asObject(asObject(call)?.function);
      parts.push({
        type: 'tool_call',
        id: asString(asObject(call)?.id),
        name: asString(fn?.name),
        arguments: fn?.arguments,
      });
    }
    const finish = asString(asObject(choice)?.finish_reason);
    return { role: 'assistant', parts, ...(finish ? { finish_reason: finish } : {}) };
  });
}

function anthropicMessages(answer: Json): OutputMessage[] {
  const parts: Part[] = [];
  for (const item of asArray(answer.content)) {
    const block = asObject(item) ?? {};
    if (block.type === 'text') parts.push({ type: 'text', content: asString(block.text) ?? '' });
    else if (block.type === 'thinking') parts.push({ type: 'reasoning', content: asString(block.thinking) ?? '' });
    else if (block.type === 'tool_use')
      parts.push({ type: 'tool_call', id: asString(block.id), name: asString(block.name), arguments: block.input });
  }
  const finish = asString(answer.stop_reason);
  return [{ role: 'assistant', parts, ...(finish ? { finish_reason: finish } : {}) }];
}

function responsesMessages(answer: Json): OutputMessage[] {
  const parts: Part[] = [];
  for (const entry of asArray(answer.output)) {
    const item = asObject(entry) ?? {};
    if (item.type === 'message') {
      for (const content of asArray(item.content)) {
        const text = asString(asObject(content)?.text);
        if (text !== undefined) parts.push({ type: 'text', content: text });
      }
    } else if (item.type === 'function_call') {
      parts.push({
        type: 'tool_call',
        id: asString(item.call_id),
        name: asString(item.name),
        arguments: item.arguments,
      });
    } else if (item.type === 'reasoning') {
      const summary = asArray(item.summary).map((s) => asString(asObject(s)?.text) ?? '');
      if (summary.length > 0) parts.push({ type: 'reasoning', content: summary.join('\n') });
    }
  }
  const status = asString(answer.status);
  return [{ role: 'assistant', parts, ...(status ? { finish_reason: status } : {}) }];
}

/** The `data:` payloads of an SSE text that parse as JSON objects (`[DONE]` and partial lines skipped). */
function sseEvents(text: string): Json[] {
  const events: Json[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('data:')) continue;
    try {
      const event = asObject(JSON.parse(line.slice(5)));
      if (event) events.push(event);
    } catch {
      // `[DONE]`, or a line cut off by the capture limit.
    }
  }
  return events;
}

/** The item at `index`, made and stored first when there is none. */
function entryAt<T>(list: T[], index: number, make: () => T): T {
  const found = list[index];
  if (found !== undefined) return found;
  const made = make();
  list[index] = made;
  return made;
}

/** A chat completion rebuilt from its chunks: content, reasoning and tool calls joined per choice. */
function chatFromChunks(events: Json[]): Json {
  const choices: Json[] = [];
  for (const event of events) {
    for (const entry of asArray(event.choices)) {
      const chunk = asObject(entry) ?? {};
      const index = typeof chunk.index === 'number' ? chunk.index : 0;
      const choice = entryAt(choices, index, () => ({
        message: { content: '', reasoning_content: '', tool_calls: [] },
      }));
      const message = choice.message as { content: string; reasoning_content: string; tool_calls: Json[] };
      const delta = asObject(chunk.delta) ?? {};
      message.content += asString(delta.content) ?? '';
      message.reasoning_content += asString(delta.reasoning_content) ?? asString(delta.reasoning) ?? '';
      for (const part of asArray(delta.tool_calls)) {
        const call = asObject(part) ?? {};
        const at = typeof call.index === 'number' ? call.index : message.tool_calls.length;
        const fn = asObject(call.function) ?? {};
        const known = entryAt(message.tool_calls, at, () => ({
          id: call.id,
          function: { name: fn.name, arguments: '' },
        }));
        (known.function as Json).arguments = `${(known.function as Json).arguments}${asString(fn.arguments) ?? ''}`;
      }
      if (typeof chunk.finish_reason === 'string') choice.finish_reason = chunk.finish_reason;
    }
  }
  return { choices: choices.filter(Boolean) };
}

/** An Anthropic message rebuilt from its stream events: blocks by index, deltas appended. */
function anthropicFromEvents(events: Json[]): Json {
  const blocks: Json[] = [];
  const partialJson: string[] = [];
  let stopReason: unknown;
  for (const event of events) {
    const index = typeof event.index === 'number' ? event.index : 0;
    if (event.type === 'content_block_start') blocks[index] = { ...(asObject(event.content_block) ?? {}) };
    else if (event.type === 'content_block_delta') {
      const block = blocks[index];
      const delta = asObject(event.delta) ?? {};
      if (!block) continue;
      if (delta.type === 'text_delta') block.text = `${block.text ?? ''}${asString(delta.text) ?? ''}`;
      if (delta.type === 'thinking_delta') block.thinking = `${block.thinking ?? ''}${asString(delta.thinking) ?? ''}`;
      if (delta.type === 'input_json_delta') partialJson[index] = `${partialJson[index] ?? ''}${delta.partial_json}`;
    } else if (event.type === 'message_delta') stopReason = asObject(event.delta)?.stop_reason;
  }
  partialJson.forEach((json, index) => {
    const block = blocks[index];
    if (!block) return;
    try {
      block.input = JSON.parse(json);
    } catch {
      block.input = json;
    }
  });
  return { content: blocks.filter(Boolean), stop_reason: stopReason };
}

/** The completion as `gen_ai.output.messages`, from the body the client was sent (whole or the captured start). */
export function outputContent(entryPoint: EntryPoint, sent: string, stream: boolean, maxBytes: number): Attributes {
  let messages: OutputMessage[] | undefined;
  if (stream) {
    const events = sseEvents(sent);
    if (entryPoint === 'chat.completions') messages = chatMessages(chatFromChunks(events));
    else if (entryPoint === 'messages') messages = anthropicMessages(anthropicFromEvents(events));
    else if (entryPoint === 'responses') {
      const done = events.findLast(
        (event) => event.type === 'response.completed' || event.type === 'response.incomplete',
      );
      messages = responsesMessages(asObject(done?.response) ?? {});
    }
  } else {
    let answer: Json | undefined;
    try {
      answer = asObject(JSON.parse(sent));
    } catch {
      answer = undefined;
    }
    if (answer && entryPoint === 'chat.completions') messages = chatMessages(answer);
    else if (answer && entryPoint === 'messages') messages = anthropicMessages(answer);
    else if (answer && entryPoint === 'responses') messages = responsesMessages(answer);
  }
  if (!messages) return {};
  return { 'gen_ai.output.messages': truncateUtf8(JSON.stringify(messages), maxBytes) };
}
