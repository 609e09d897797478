import { errors } from '../../errors/codes.js';
import type { UpstreamBuildOptions } from '../contract.js';
import type { IrDocumentPart, IrImageSource, IrMessage, IrPart, IrRequest } from '../ir/types.js';
import { claudeOutputPlan } from '../shared/claude-output.js';
import { standardImageType } from '../shared/image-media-type.js';
import { ownEntry } from '../shared/own-entry.js';
import { anthropicThinkingBudget } from '../shared/reasoning-budget.js';
import { systemTexts } from '../shared/system-texts.js';
import { BEDROCK_TOOL_NAMES, ToolNameReport } from '../shared/tool-names.js';
import { refuseLogprobs, refuseUnsupportedSampling } from '../shared/unsupported-sampling.js';
import { dropVerbosity } from '../shared/verbosity.js';
import { CachePoints } from './cache-points.js';
import { DocumentNames } from './document-names.js';
import { additionalModelRequestFields, bedrockFamily } from './model-fields.js';
import { STOP_SEQUENCE_PATH } from './stop-reason.js';
import { withToolHistoryAsText } from './tool-history-text.js';
import { bedrockToolUseId } from './tool-use-id.js';
import type {
  BedrockContentBlock,
  BedrockConverseRequest,
  BedrockDocument,
  BedrockImageFormat,
  BedrockMessage,
} from './wire-types.js';

/**
 * Builds a Converse request from the IR. The model is in the URL, not the body.
 *
 * - Converse checks the conversation's shape: consecutive messages of one role are merged into one turn, and
 *   blank text (empty or whitespace only, which Converse refuses) is left out, in tool results too.
 * - Tool call ids outside Converse's toolUseId constraint are rewritten to fit it (tool-use-id.ts).
 * - Images and documents (PDF, CSV, Word, Excel, HTML, text, Markdown) go as bytes (base64 in JSON); Converse
 *   takes no URL, so one is refused. Each document gets a name Converse accepts, unique in the request
 *   (document-names.ts), and a message of documents with no text a short note (Converse requires a text block).
 * - Signed thinking goes back as reasoningContent (Claude on Bedrock needs it on tool-use turns); thinking
 *   without a signature cannot be verified by the model and is left out.
 * - Prompt-cache marks become cachePoint blocks where the model takes them (cache-points.ts).
 * - With stop sequences, a Claude model is asked for the one that matched (`additionalModelResponseFieldPaths`).
 * - Reasoning and topK go in additionalModelRequestFields, as the model's family spells them (model-fields.ts);
 *   for Claude, the output limit and the budget are fitted as on Anthropic's API (shared/claude-output.ts).
 * - Converse cannot express tool_choice none, parallelToolCalls false or a response format: those are refused.
 *   A conversation holding tool calls or results without tools declared has them written as text
 *   (tool-history-text.ts), since Converse requires declared tools for tool blocks.
 */

const IMAGE_FORMATS: Readonly<Record<string, BedrockImageFormat>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

function image(source: IrImageSource, path: string): { format: BedrockImageFormat; source: { bytes: string } } {
  if (source.kind === 'url') {
    throw errors.invalidBody('Bedrock takes images as data, not URLs; send a base64 data URL', path);
  }
  const format = ownEntry(IMAGE_FORMATS, standardImageType(source.mediaType));
  if (!format) throw errors.invalidBody(`Bedrock takes png, jpeg, gif or webp images, not ${source.mediaType}`, path);
  return { format, source: { bytes: source.data } };
}

/** The document types Converse reads (DocumentBlock `format`), by media type. */
const DOCUMENT_FORMATS: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

type BedrockToolResultContent = Extract<BedrockContentBlock, { toolResult: unknown }>['toolResult']['content'][number];

/** Converse refuses a text block that is empty or whitespace only, wherever it is. */
function isBlank(text: string): boolean {
  return text.trim() === '';
}

function toolInput(text: string, path: string): unknown {
  try {
    return JSON.parse(text === '' ? '{}' : text);
  } catch {
    throw errors.invalidBody('tool call arguments must be JSON for Bedrock', path);
  }
}

/**
 * A text document goes as its text; a file as bytes in a format Converse reads, named as it requires (letters,
 * digits, few signs) and unique in the request (document-names.ts).
 */
function document(
  part: IrDocumentPart,
  path: string,
  documentNames: DocumentNames,
): { text: string } | { document: BedrockDocument } {
  if (part.source.kind === 'text') return { text: part.source.text };
  const format = part.source.kind === 'base64' ? ownEntry(DOCUMENT_FORMATS, part.source.mediaType) : undefined;
  if (part.source.kind === 'url' || !format) {
    throw errors.invalidBody(
      'Bedrock takes documents as data: PDF, CSV, DOC, DOCX, XLS, XLSX, HTML, plain text or Markdown',
      path,
    );
  }
  return { document: { format, name: documentNames.name(part.title), source: { bytes: part.source.data } } };
}

/** What naming a request's blocks takes: unique document names, and tool names Converse accepts. */
interface Names {
  documents: DocumentNames;
  tools: ToolNameReport;
}

function block(part: IrPart, path: string, names: Names): BedrockContentBlock | undefined {
  const documentNames = names.documents;
  switch (part.type) {
    case 'text':
      return isBlank(part.text) ? undefined : { text: part.text };
    case 'image':
      return { image: image(part.source, path) };
    case 'document':
      return document(part, path, documentNames);
    case 'tool_call':
      return {
        toolUse: {
          toolUseId: bedrockToolUseId(part.id),
          name: names.tools.upstream(part.name),
          input: toolInput(part.arguments, path),
        },
      };
    case 'tool_result':
      return {
        toolResult: {
          toolUseId: bedrockToolUseId(part.toolCallId),
          content: part.content.flatMap((item, i): BedrockToolResultContent[] => {
            // A Responses result's own path is its `output` array.
            const itemPath = part.path === undefined ? `${path}.content[${i}]` : `${path}[${i}]`;
            if (item.type === 'image') return [{ image: image(item.source, itemPath) }];
            if (item.type === 'document') return [document(item, itemPath, documentNames)];
            return isBlank(item.text) ? [] : [{ text: item.text }];
          }),
          status: part.isError ? 'error' : 'success',
        },
      };
    case 'thinking':
      return part.signature
        ? { reasoningContent: { reasoningText: { text: part.text, signature: part.signature } } }
        : undefined;
    case 'redacted_thinking':
      return { reasoningContent: { redactedContent: part.data } };
  }
}

function messages(input: readonly IrMessage[], cache: CachePoints, toolNames: ToolNameReport): BedrockMessage[] {
  const built: BedrockMessage[] = [];
  const names = { documents: new DocumentNames(), tools: toolNames };
  input.forEach((message, m) => {
    // Instructions in the middle of the conversation go to the system prompt (see systemTexts).
    if (message.role === 'system') return;
    const content: BedrockContentBlock[] = [];
    message.content.forEach((part, p) => {
      const own = part.type === 'tool_call' || part.type === 'tool_result' ? part.path : undefined;
      const converted = block(part, own ?? `${message.path ?? `messages[${m}]`}.content[${p}]`, names);
      if (!converted) return;
      content.push(converted);
      const point = cache.after((part as { cacheControl?: { ttl?: string } }).cacheControl, 'content');
      if (point) content.push(point);
    });
    if (content.length === 0) return;
    // Converse refuses two messages of one role in a row (Chat and Responses clients send consecutive user
    // messages; a tool-result turn may be followed by a user message): they become one turn, in order.
    const previous = built.at(-1);
    if (previous?.role === message.role) previous.content.push(...content);
    else built.push({ role: message.role, content });
  });
  for (const message of built) withTextBesideDocuments(message.content);
  return built;
}

/** What a message holding documents and no text says, so that Converse takes it (see withTextBesideDocuments). */
const DOCUMENT_NOTE = '(the attached document)';

/**
 * Converse refuses a message that holds a document block and no text block ("A text block must be included when
 * using documents"), as a file sent with no prompt is: such a message gets a short neutral note after its
 * blocks, made of nothing the client sent (a document's name is the place Converse warns against prompt
 * injection in), so the same history gets the same note on every turn.
 */
function withTextBesideDocuments(content: BedrockContentBlock[]): void {
  if (!content.some((block) => 'document' in block) || content.some((block) => 'text' in block)) return;
  content.push({ text: DOCUMENT_NOTE });
}

function toolConfig(
  request: IrRequest,
  cache: CachePoints,
  toolNames: ToolNameReport,
): BedrockConverseRequest['toolConfig'] {
  if (request.tools.length === 0) return undefined;
  const choice = request.toolChoice;
  if (choice?.type === 'none') {
    throw errors.invalidBody('Bedrock Converse cannot be told not to call the tools it is given', 'toolChoice');
  }
  const tools: NonNullable<BedrockConverseRequest['toolConfig']>['tools'] = [];
  for (const tool of request.tools) {
    tools.push({
      toolSpec: {
        name: toolNames.upstream(tool.name),
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        inputSchema: { json: { type: 'object', ...tool.parameters } },
      },
    });
    const point = cache.after(tool.cacheControl, 'tools');
    if (point) tools.push(point);
  }
  if (choice?.type === 'required') return { tools, toolChoice: { any: {} } };
  if (choice?.type === 'tool') return { tools, toolChoice: { tool: { name: toolNames.upstream(choice.name) } } };
  return choice?.type === 'auto' ? { tools, toolChoice: { auto: {} } } : { tools };
}

/** False when Claude would refuse thinking: the turn being continued used tools without reasoning first. */
function canThink(messages: readonly BedrockMessage[]): boolean {
  const lastAssistant = messages.findLast((message) => message.role === 'assistant');
  if (!lastAssistant?.content.some((block) => 'toolUse' in block)) return true;
  const first = lastAssistant.content[0];
  return first !== undefined && 'reasoningContent' in first;
}

function refuseInexpressible(request: IrRequest): void {
  if (request.parallelToolCalls === false && request.tools.length > 0) {
    throw errors.invalidBody('Bedrock Converse cannot be told to call one tool at a time', 'parallelToolCalls');
  }
  if (request.responseFormat && request.responseFormat.type !== 'text') {
    throw errors.invalidBody(
      'Bedrock Converse has no response format; describe the format in the prompt',
      'responseFormat',
    );
  }
}

export function buildBedrockRequest(
  clientRequest: IrRequest,
  upstreamModel: string,
  options: UpstreamBuildOptions,
): BedrockConverseRequest {
  // Calls and results without declared tools go as text (tool-history-text.ts).
  const request = withToolHistoryAsText(clientRequest);
  refuseInexpressible(request);
  refuseUnsupportedSampling(request, 'Bedrock Converse', options.hints);
  refuseLogprobs(request, 'Bedrock Converse');
  dropVerbosity(request, options.hints);
  // Converse's requestMetadata tags invocation logs; it is no end-user id for abuse tracking.
  if (request.user !== undefined) options.hints?.drop('user');
  const family = bedrockFamily(upstreamModel);
  const cache = new CachePoints(family, options.hints);
  const toolNames = new ToolNameReport(BEDROCK_TOOL_NAMES, options.toolNames);
  const body: BedrockConverseRequest = { messages: messages(request.messages, cache, toolNames) };
  const system: NonNullable<BedrockConverseRequest['system']> = [];
  for (const part of systemTexts(request)) {
    if (isBlank(part.text)) continue;
    system.push({ text: part.text });
    const point = cache.after(part.cacheControl, 'content');
    if (point) system.push(point);
  }
  if (system.length > 0) body.system = system;
  // Claude refuses thinking when the tool turn being continued has no signed reasoning first (a turn another
  // provider type answered, or whose reasoning came unsigned): that request goes without thinking, as with
  // Anthropic's own API (translate/anthropic/request-to-upstream.ts).
  const reasoned = family === 'anthropic' && !canThink(body.messages) ? { ...request, reasoning: undefined } : request;
  const budget = family === 'anthropic' ? anthropicThinkingBudget(reasoned.reasoning) : undefined;
  const plan = claudeOutputPlan(request.maxTokens, budget, options.defaultMaxTokens);
  body.inferenceConfig = { maxTokens: plan.maxTokens };
  if (request.temperature !== undefined) body.inferenceConfig.temperature = request.temperature;
  if (request.topP !== undefined) body.inferenceConfig.topP = request.topP;
  if (request.stopSequences.length > 0) {
    body.inferenceConfig.stopSequences = [...request.stopSequences];
    // Converse says only that a stop sequence ended the answer; Claude's own answer says which one.
    if (family === 'anthropic') body.additionalModelResponseFieldPaths = [STOP_SEQUENCE_PATH];
  }
  const tools = toolConfig(request, cache, toolNames);
  if (tools) body.toolConfig = tools;
  const extra = additionalModelRequestFields(reasoned, family, options, plan.thinkingBudget);
  if (extra) body.additionalModelRequestFields = extra;
  return body;
}
