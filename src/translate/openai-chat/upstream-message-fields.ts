import { isObject, type JsonObject } from './field-readers.js';

/**
 * Reads of fields that OpenAI-compatible servers fill in differently, shared by the response and stream
 * decoders (a `message` and a `delta` carry the same fields).
 */

/** Reasoning text: `reasoning_content` (DeepSeek, vLLM) or `reasoning` (OpenRouter, Ollama), when a string. */
export function reasoningOf(message: JsonObject): string {
  const value = typeof message.reasoning_content === 'string' ? message.reasoning_content : message.reasoning;
  return typeof value === 'string' ? value : '';
}

/** `content` as text: a string, or (from some servers) an array of text parts. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : '')).join('');
}

/** Tool arguments as JSON text; a few servers send an already-parsed object. */
export function argumentsOf(fn: JsonObject | undefined): string {
  const value = fn?.arguments;
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? '' : JSON.stringify(value);
}

export function stringField(object: JsonObject | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function objectField(object: JsonObject | undefined, key: string): JsonObject | undefined {
  const value = object?.[key];
  return isObject(value) ? value : undefined;
}
