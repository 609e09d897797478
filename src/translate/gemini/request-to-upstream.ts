import { errors } from '../../errors/codes.js';
import type { UpstreamBuildOptions } from '../contract.js';
import type { IrMessage, IrPart, IrRequest, IrTool } from '../ir/types.js';
import { hasCacheControl } from '../shared/cache-hints.js';
import type { HintReport } from '../shared/hint-report.js';
import { standardImageType } from '../shared/image-media-type.js';
import { systemTexts } from '../shared/system-texts.js';
import { GEMINI_TOOL_NAMES, ToolNameReport } from '../shared/tool-names.js';
import { refuseLogprobs } from '../shared/unsupported-sampling.js';
import { dropVerbosity } from '../shared/verbosity.js';
import { signForeignCalls, validatesSignatures } from './foreign-call-signature.js';
import { inCallOrder, resultText } from './function-responses.js';
import { geminiSchema } from './schema-subset.js';
import { thinkingConfig } from './thinking-config.js';
import { signatureOfToolCallId } from './tool-call-id.js';
import { mediaTypeOfUri } from './uri-media-type.js';
import type { GeminiContent, GeminiGenerationConfig, GeminiPart, GeminiRequestBody } from './wire-types.js';

/**
 * Builds a generateContent request from the IR. The model is in the URL, not the body.
 *
 * - Assistant turns are `model` turns; thinking parts are not sent back (Gemini takes no thought text), but
 *   a function call's thought signature is, read from its tool call id (see tool-call-id.ts). A model turn
 *   whose calls another model made gets Google's sentinel instead on Gemini 3 (foreign-call-signature.ts).
 * - Tool results become `functionResponse` parts named after the call they answer (Gemini matches by name, then
 *   order: function-responses.ts), with the text as `{result}` or `{error}`; a result's images and files
 *   follow the responses as parts of the same turn.
 * - Images and files go inline (base64) or as `fileData` URIs, typed from the URL (uri-media-type.ts). Cache hints and the end-user id are dropped
 *   (Gemini has neither); parallelToolCalls false cannot be expressed and is refused, as are more than five
 *   stop sequences and a schema description.
 * - An Anthropic client's prefill (a final assistant message) goes as the last `model` turn, which Gemini
 *   continues rather than answers anew (observed on the API; Google does not document it either way).
 * - Seed and penalties go in `generationConfig`, within Gemini's ranges (int32; penalties below 2).
 * - Reasoning becomes `thinkingConfig` with the budget (from the effort where only that was given), fitted
 *   under the output limit that thoughts count against and within the model's range (thinking-budget.ts), and
 *   thought summaries on; no or minimal reasoning, the least thinking the model allows (thinking-config.ts).
 */

const MAX_STOP_SEQUENCES = 5;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The name each call id was called under, as sent to Gemini. */
function toolNames(messages: readonly IrMessage[], sent: ToolNameReport): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    for (const part of message.content) if (part.type === 'tool_call') names.set(part.id, sent.upstream(part.name));
  }
  return names;
}

function parsedArguments(text: string, path: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Refused below.
  }
  throw errors.invalidBody(`Gemini takes function call arguments as a JSON object; got ${text.slice(0, 80)}`, path);
}

/** A tool call's or result's own place in the client's request, where its message's path does not say it. */
function partPath(part: IrPart): string | undefined {
  return part.type === 'tool_call' || part.type === 'tool_result' ? part.path : undefined;
}

/** How a content part is built: where it sits in the client's request, and what the upstream requires. */
interface PartContext {
  path: string;
  /** The Gemini name of each call id's function. */
  names: Map<string, string>;
  sentNames: ToolNameReport;
  needsMediaType: boolean;
}

function mediaPart(
  source: { kind: 'url'; url: string } | { kind: 'base64'; mediaType: string; data: string },
  kind: 'image' | 'document',
  context: PartContext,
): GeminiPart {
  if (source.kind === 'base64') {
    const mimeType = kind === 'image' ? standardImageType(source.mediaType) : source.mediaType;
    return { inlineData: { mimeType, data: source.data } };
  }
  const mimeType = mediaTypeOfUri(source.url, kind);
  if (mimeType === undefined && context.needsMediaType) {
    // The gateway fetches no client URL (SSRF), so it cannot sniff the type itself.
    throw errors.invalidBody(
      `${context.path}: Gemini on Vertex AI needs the image's media type, which this URL does not show; send the image as a data: URL, or a URL ending in .png, .jpg, .jpeg, .gif, .webp, .heic or .heif`,
      context.path,
    );
  }
  return { fileData: mimeType === undefined ? { fileUri: source.url } : { mimeType, fileUri: source.url } };
}

function buildPart(part: IrPart, context: PartContext): GeminiPart | undefined {
  const { path, names } = context;
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'image':
      return mediaPart(part.source, 'image', context);
    case 'document':
      return part.source.kind === 'text' ? { text: part.source.text } : mediaPart(part.source, 'document', context);
    case 'tool_call': {
      const name = context.sentNames.upstream(part.name);
      const built: GeminiPart = { functionCall: { name, args: parsedArguments(part.arguments, path) } };
      const signature = signatureOfToolCallId(part.id);
      if (signature) built.thoughtSignature = signature;
      return built;
    }
    case 'tool_result': {
      const text = resultText(part);
      const name = names.get(part.toolCallId) ?? part.toolCallId;
      return { functionResponse: { name, response: part.isError ? { error: text } : { result: text } } };
    }
    case 'thinking':
    case 'redacted_thinking':
      return undefined;
  }
}

/**
 * Images and files in a tool result have no place in a `functionResponse` before Gemini 3, so they follow the
 * turn's function responses as parts of the same user turn, where every Gemini version takes them.
 */
function resultMedia(part: IrPart, context: PartContext): GeminiPart[] {
  if (part.type !== 'tool_result') return [];
  return part.content.flatMap((item, i) => {
    if (item.type === 'text') return [];
    // Named by its own place: in the result's `content`, or in a Responses result's own `output` array.
    const path = part.path === undefined ? `${context.path}.content[${i}]` : `${part.path}[${i}]`;
    const built = buildPart(item, { ...context, path });
    return built ? [built] : [];
  });
}

function buildContents(
  messages: readonly IrMessage[],
  needsMediaType: boolean,
  sentNames: ToolNameReport,
): GeminiContent[] {
  const names = toolNames(messages, sentNames);
  const contents: GeminiContent[] = [];
  // The model turn whose calls a user turn's results answer (a system message may sit between them).
  let modelTurn: IrMessage | undefined;
  messages.forEach((message, m) => {
    // Instructions in the middle of the conversation go to systemInstruction (see systemTexts).
    if (message.role === 'system') return;
    const parts: GeminiPart[] = [];
    const media: GeminiPart[] = [];
    for (const [part, p] of inCallOrder(message, message.role === 'assistant' ? undefined : modelTurn)) {
      const path = partPath(part) ?? `${message.path ?? `messages[${m}]`}.content[${p}]`;
      const context = { path, names, sentNames, needsMediaType };
      const built = buildPart(part, context);
      if (built) parts.push(built);
      media.push(...resultMedia(part, context));
    }
    parts.push(...media);
    if (message.role === 'assistant') modelTurn = message;
    if (parts.length > 0) contents.push({ role: message.role === 'assistant' ? 'model' : 'user', parts });
  });
  return contents;
}

function buildTool(tool: IrTool, index: number, hints: HintReport | undefined, sentNames: ToolNameReport) {
  return {
    name: sentNames.upstream(tool.name),
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    parameters: geminiSchema(tool.parameters, `tools[${index}].parameters`, hints),
  };
}

function toolConfig(request: IrRequest, sentNames: ToolNameReport): GeminiRequestBody['toolConfig'] {
  const choice = request.toolChoice;
  if (!choice || request.tools.length === 0) return undefined;
  if (choice.type === 'tool') {
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [sentNames.upstream(choice.name)] } };
  }
  const mode = choice.type === 'none' ? 'NONE' : choice.type === 'required' ? 'ANY' : 'AUTO';
  return { functionCallingConfig: { mode } };
}

/** Gemini's seed is an int32; its penalties run from -2 up to, not including, 2 (OpenAI's include 2). */
function addSeedAndPenalties(config: GeminiGenerationConfig, request: IrRequest): void {
  if (request.seed !== undefined) {
    if (request.seed < INT32_MIN || request.seed > INT32_MAX) {
      throw errors.invalidBody(`Gemini takes a seed from ${INT32_MIN} to ${INT32_MAX}, got ${request.seed}`, 'seed');
    }
    config.seed = request.seed;
  }
  for (const field of ['presencePenalty', 'frequencyPenalty'] as const) {
    const value = request[field];
    if (value === undefined) continue;
    if (value >= 2) throw errors.invalidBody(`Gemini takes a penalty below 2 (from -2), got ${value}`, field);
    config[field] = value;
  }
}

function generationConfig(
  request: IrRequest,
  upstreamModel: string,
  hints: HintReport | undefined,
): GeminiGenerationConfig | undefined {
  const config: GeminiGenerationConfig = {};
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  addSeedAndPenalties(config, request);
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.stopSequences.length > MAX_STOP_SEQUENCES) {
    throw errors.invalidBody(`Gemini takes at most ${MAX_STOP_SEQUENCES} stop sequences`, 'stopSequences');
  }
  if (request.stopSequences.length > 0) config.stopSequences = [...request.stopSequences];
  const format = request.responseFormat;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    if (format.description !== undefined) {
      throw errors.invalidBody("Gemini's response schema takes no description; put it in the prompt", 'responseFormat');
    }
    config.responseMimeType = 'application/json';
    config.responseJsonSchema = format.schema;
  }
  const thinking = thinkingConfig(request.reasoning, request.maxTokens, upstreamModel, hints);
  if (thinking) config.thinkingConfig = thinking;
  return Object.keys(config).length > 0 ? config : undefined;
}

/** Hints Gemini has no field for: it caches prompt prefixes by itself and takes no end-user id. */
function reportDrops(request: IrRequest, options: UpstreamBuildOptions): void {
  if (!options.hints) return;
  if (hasCacheControl(request)) options.hints.drop('cacheControl');
  if (request.user !== undefined) options.hints.drop('user');
  dropVerbosity(request, options.hints);
}

export function buildGeminiRequest(
  request: IrRequest,
  upstreamModel: string,
  options: UpstreamBuildOptions,
): GeminiRequestBody {
  if (request.parallelToolCalls === false && request.tools.length > 0) {
    throw errors.invalidBody('Gemini cannot be told to call one tool at a time', 'parallelToolCalls');
  }
  reportDrops(request, options);
  refuseLogprobs(request, 'Gemini');
  const sentNames = new ToolNameReport(GEMINI_TOOL_NAMES, options.toolNames);
  const body: GeminiRequestBody = {
    contents: buildContents(request.messages, options.fileUrisNeedMediaType === true, sentNames),
  };
  if (validatesSignatures(upstreamModel)) signForeignCalls(body.contents);
  const system = systemTexts(request)
    .filter((part) => part.text !== '')
    .map((part) => ({ text: part.text }));
  if (system.length > 0) body.systemInstruction = { parts: system };
  if (request.tools.length > 0) {
    body.tools = [
      { functionDeclarations: request.tools.map((tool, i) => buildTool(tool, i, options.hints, sentNames)) },
    ];
  }
  const tools = toolConfig(request, sentNames);
  if (tools) body.toolConfig = tools;
  const config = generationConfig(request, upstreamModel, options.hints);
  if (config) body.generationConfig = config;
  return body;
}
