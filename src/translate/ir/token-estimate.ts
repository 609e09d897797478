import type { IrPart, IrRequest } from './types.js';

/**
 * An estimate of a request's input tokens for providers that cannot count them (OpenAI-compatible APIs have no
 * count endpoint). Text is counted with the tokenizer given (the gateway uses o200k_base); the structure around
 * it with the per-item overheads below, which follow OpenAI's published counting recipe for chat messages and
 * function definitions. Images count a flat amount, since their dimensions are not known without decoding them,
 * and documents by their size. It is an estimate and is reported as one.
 */
export type CountText = (text: string) => number;

const PER_MESSAGE = 3;
const REPLY_PRIMER = 3;
const PER_TOOL = 8;
const PER_IMAGE = 1_000;
/** Rough tokens per base64 byte of a PDF (about one token per three bytes of extracted text). */
const PER_DOCUMENT_BYTE = 0.25;

function partTokens(part: IrPart, count: CountText): number {
  switch (part.type) {
    case 'text':
    case 'thinking':
      return count(part.text);
    case 'image':
      return PER_IMAGE;
    case 'document':
      return part.source.kind === 'text'
        ? count(part.source.text)
        : part.source.kind === 'base64'
          ? Math.ceil(part.source.data.length * PER_DOCUMENT_BYTE)
          : PER_IMAGE;
    case 'tool_call':
      return count(part.name) + count(part.arguments) + PER_MESSAGE;
    case 'tool_result':
      return PER_MESSAGE + part.content.reduce((sum, inner) => sum + partTokens(inner, count), 0);
    case 'redacted_thinking':
      return 0;
  }
}

export function estimateInputTokens(request: IrRequest, count: CountText): number {
  let total = REPLY_PRIMER;
  if (request.system.length > 0) total += PER_MESSAGE + request.system.reduce((sum, part) => sum + count(part.text), 0);
  for (const message of request.messages) {
    total += PER_MESSAGE + message.content.reduce((sum, part) => sum + partTokens(part, count), 0);
  }
  for (const tool of request.tools) {
    total += PER_TOOL + count(tool.name) + count(tool.description ?? '') + count(JSON.stringify(tool.parameters));
  }
  return total;
}

/**
 * The estimate split into the structural overhead and the texts still to be tokenized, so a caller can count
 * the texts at its own pace (the tokenizer costs ~40 µs per KB, too much to run in one go on a large body).
 */
export function inputTokenParts(request: IrRequest): { overhead: number; texts: string[] } {
  const texts: string[] = [];
  const overhead = estimateInputTokens(request, (text) => {
    if (text.length > 0) texts.push(text);
    return 0;
  });
  return { overhead, texts };
}
