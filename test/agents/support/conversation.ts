import type { AnthropicBehaviour } from '../../fakes/fake-anthropic.js';
import type { BedrockBehaviour } from '../../fakes/fake-bedrock.js';
import type { GeminiBehaviour } from '../../fakes/fake-gemini.js';
import type { Behaviour } from '../../fakes/fake-openai.js';
import type { RecordedRequest } from '../../fakes/fake-server.js';

/**
 * A fake model that follows the conversation instead of replaying a script. It reads the task from the last
 * user text it finds (the agents wrap their own context in other messages) and answers the next turn:
 * - "say <word>": answers with the word;
 * - "think about <word>": reasons first (reasoning_content / a signed thinking block), then answers;
 * - "run <command>": asks for the agent's own shell tool with the command, and once the tool's result is in the
 *   conversation, answers with what the command printed, so the answer can only be right if the agent ran it;
 * - "create <file>": asks for Codex's freeform apply_patch tool with a patch adding the file (its name as its one
 *   line), then answers with what the tool reported.
 * Codex's compaction turn (its "CONTEXT CHECKPOINT COMPACTION" prompt) is answered with a summary holding what
 * the history's tool printed; a conversation resumed from such a summary is answered from it (Converse only).
 * The same reading works on every upstream dialect (Chat, Messages, Gemini, Converse); only the wire shapes differ.
 */

/** The shell tool each agent declares, and the arguments that run a command with it. */
const SHELL_TOOLS: ReadonlyArray<{ name: string; args: (command: string) => Record<string, unknown> }> = [
  { name: 'Bash', args: (command) => ({ command, description: 'Run the requested command' }) },
  { name: 'exec_command', args: (cmd) => ({ cmd }) },
  { name: 'shell', args: (command) => ({ command: ['bash', '-lc', command] }) },
];

/** Codex's freeform patch tool, called through the function it goes upstream as (one string, `input`). */
const PATCH_TOOLS: typeof SHELL_TOOLS = [
  {
    name: 'apply_patch',
    args: (file) => ({ input: `*** Begin Patch\n*** Add File: ${file}\n+${file}\n*** End Patch\n` }),
  },
];

type Task = { kind: 'say' | 'think' | 'run' | 'create'; text: string };

const TASK = /\b(say|think about|run|create) `([^`]+)`/;

function taskIn(texts: readonly string[]): Task | undefined {
  for (const text of [...texts].reverse()) {
    const match = TASK.exec(text);
    if (match?.[1] && match[2]) {
      const verb = match[1];
      return { kind: verb === 'think about' ? 'think' : (verb as Task['kind']), text: match[2] };
    }
  }
  return undefined;
}

/** The tool a task calls: the agent's shell tool to run a command, its patch tool to create a file. */
function toolFor(task: Task, toolNames: readonly string[]) {
  const tools = task.kind === 'create' ? PATCH_TOOLS : SHELL_TOOLS;
  return tools.find((tool) => toolNames.includes(tool.name));
}

const THOUGHT = 'The user wants a short answer; I will give it.';

// --- OpenAI-compatible (Chat Completions) -------------------------------------------------------------------

interface ChatBody {
  messages: Array<{ role: string; content?: unknown; tool_call_id?: string }>;
  tools?: Array<{ function?: { name?: string } }>;
}

function chatText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('\n');
}

/** The next Chat Completions answer for a request from the gateway. */
export function chatTurn(request: RecordedRequest): Behaviour | undefined {
  const body = request.body as ChatBody | undefined;
  if (!body?.messages) return undefined;
  const task = taskIn(body.messages.filter((m) => m.role === 'user').map((m) => chatText(m.content)));
  if (!task) return { kind: 'reply', text: 'Nothing to do.' };
  if (task.kind === 'say') return { kind: 'reply', text: `You asked me to say ${task.text}.` };
  if (task.kind === 'think') return { kind: 'reply', reasoning: THOUGHT, text: `Thought about ${task.text}.` };
  const result = body.messages.findLast((m) => m.role === 'tool');
  if (result) return { kind: 'reply', text: `The command printed: ${chatText(result.content)}` };
  const tool = toolFor(
    task,
    (body.tools ?? []).map((t) => t.function?.name ?? ''),
  );
  if (!tool) return { kind: 'reply', text: 'I have no shell tool.' };
  return {
    kind: 'reply',
    toolCalls: [{ id: 'call_shell_1', name: tool.name, arguments: JSON.stringify(tool.args(task.text)) }],
  };
}

// --- Anthropic Messages -------------------------------------------------------------------------------------

interface AnthropicBlock {
  type: string;
  text?: string;
  content?: unknown;
}

interface MessagesBody {
  messages: Array<{ role: string; content: string | AnthropicBlock[] }>;
  tools?: Array<{ name?: string }>;
  thinking?: { type: string };
}

function blocksOf(content: string | AnthropicBlock[]): AnthropicBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((block) => (typeof block?.text === 'string' ? block.text : '')).join('\n');
}

/** The next Messages answer for a request from the gateway (translated or passed through). */
export function messagesTurn(request: RecordedRequest): AnthropicBehaviour | undefined {
  const body = request.body as MessagesBody | undefined;
  if (!body?.messages) return undefined;
  const userBlocks = body.messages.filter((m) => m.role === 'user').flatMap((m) => blocksOf(m.content));
  const task = taskIn(userBlocks.filter((b) => b.type === 'text').map((b) => b.text ?? ''));
  if (!task) return { kind: 'reply', text: 'Nothing to do.' };
  if (task.kind === 'say') return { kind: 'reply', text: `You asked me to say ${task.text}.` };
  // With thinking on, Claude starts every answer with signed thinking (and refuses a tool turn sent back without it).
  const thought =
    body.thinking && body.thinking.type !== 'disabled'
      ? [{ type: 'thinking' as const, thinking: THOUGHT, signature: 'sig-fake-0123456789' }]
      : [];
  if (task.kind === 'think') {
    return { kind: 'reply', content: [...thought, { type: 'text' as const, text: `Thought about ${task.text}.` }] };
  }
  const result = userBlocks.findLast((b) => b.type === 'tool_result');
  if (result) return { kind: 'reply', text: `The command printed: ${resultText(result.content)}` };
  const tool = toolFor(
    task,
    (body.tools ?? []).map((t) => t.name ?? ''),
  );
  if (!tool) return { kind: 'reply', text: 'I have no shell tool.' };
  return {
    kind: 'reply',
    content: [...thought, { type: 'tool_use', id: 'toolu_shell_1', name: tool.name, input: tool.args(task.text) }],
  };
}

// --- Gemini (generateContent, also behind Vertex) -----------------------------------------------------------

interface GeminiPartBody {
  text?: string;
  thought?: boolean;
  functionResponse?: { name?: string; response?: Record<string, unknown> };
}

interface GeminiBody {
  contents?: Array<{ role: string; parts: GeminiPartBody[] }>;
  tools?: Array<{ functionDeclarations?: Array<{ name?: string }> }>;
  generationConfig?: { thinkingConfig?: { includeThoughts?: boolean; thinkingBudget?: number } };
}

/** Each answer's calls carry a fresh signature, which the fake then requires back on the call (Gemini 3). */
let geminiSignatures = 0;

/** The next generateContent answer for a request from the gateway (Gemini API or Gemini on Vertex). */
export function geminiTurn(request: RecordedRequest): GeminiBehaviour | undefined {
  const body = request.body as GeminiBody | undefined;
  if (!body?.contents) return undefined;
  const userParts = body.contents.filter((c) => c.role === 'user').flatMap((c) => c.parts);
  const task = taskIn(userParts.filter((p) => typeof p.text === 'string').map((p) => p.text ?? ''));
  if (!task) return { kind: 'reply', text: 'Nothing to do.' };
  if (task.kind === 'say') return { kind: 'reply', text: `You asked me to say ${task.text}.` };
  if (task.kind === 'think') {
    const thinking = body.generationConfig?.thinkingConfig?.includeThoughts === true;
    return {
      kind: 'reply',
      ...(thinking ? { thought: { text: THOUGHT, signature: 'Z2VtaW5pLXRob3VnaHQ=' } } : {}),
      text: `Thought about ${task.text}.`,
    };
  }
  const result = userParts.findLast((p) => p.functionResponse)?.functionResponse?.response;
  if (result) return { kind: 'reply', text: `The command printed: ${String(result.result ?? result.error ?? '')}` };
  const tool = toolFor(
    task,
    (body.tools ?? []).flatMap((t) => t.functionDeclarations ?? []).map((f) => f.name ?? ''),
  );
  if (!tool) return { kind: 'reply', text: 'I have no shell tool.' };
  const signature = Buffer.from(`gemini-call-signature-${++geminiSignatures}`).toString('base64');
  return { kind: 'reply', toolCalls: [{ name: tool.name, args: tool.args(task.text), signature }] };
}

const COMPACTION = 'CONTEXT CHECKPOINT COMPACTION';
const SUMMARY = 'Summary: the command printed ';

/** The answer to a compaction turn or to a conversation resumed from its summary, else undefined. */
function compactionTurn(texts: readonly string[]): string | undefined {
  const summary = texts.find((text) => text.includes(SUMMARY));
  if (summary) return `The command printed: ${summary.slice(summary.indexOf(SUMMARY) + SUMMARY.length)}`;
  if (!texts.at(-1)?.includes(COMPACTION)) return undefined;
  // The history's tool output, however the upstream received it (a result block, or text).
  const output = texts.findLast((text) => text.includes('Output:'));
  return `${SUMMARY}${output?.slice(output.indexOf('Output:') + 'Output:'.length).trim() ?? ''}`;
}

// --- Bedrock Converse ---------------------------------------------------------------------------------------

interface ConverseBlock {
  text?: string;
  toolResult?: { content?: Array<{ text?: string }> };
}

interface ConverseBody {
  messages?: Array<{ role: string; content: ConverseBlock[] }>;
  toolConfig?: { tools?: Array<{ toolSpec?: { name?: string } }> };
  additionalModelRequestFields?: { thinking?: { type?: string }; reasoningConfig?: { type?: string } };
}

/** The next Converse answer for a request from the gateway, for a Claude model or another Bedrock model. */
export function converseTurn(request: RecordedRequest): BedrockBehaviour | undefined {
  const body = request.body as ConverseBody | undefined;
  if (!body?.messages) return undefined;
  const userBlocks = body.messages.filter((m) => m.role === 'user').flatMap((m) => m.content);
  const userTexts = userBlocks.filter((b) => typeof b.text === 'string').map((b) => b.text ?? '');
  const compacted = compactionTurn(userTexts);
  if (compacted) return { kind: 'reply', text: compacted };
  const task = taskIn(userTexts);
  if (!task) return { kind: 'reply', text: 'Nothing to do.' };
  if (task.kind === 'say') return { kind: 'reply', text: `You asked me to say ${task.text}.` };
  const extra = body.additionalModelRequestFields;
  const reasons = extra?.thinking?.type === 'enabled' || extra?.reasoningConfig?.type === 'enabled';
  const reasoning = reasons ? { reasoning: { text: THOUGHT, signature: 'sig-bedrock-0123456789' } } : {};
  if (task.kind === 'think') return { kind: 'reply', ...reasoning, text: `Thought about ${task.text}.` };
  const result = userBlocks.findLast((b) => b.toolResult)?.toolResult;
  if (result) {
    const text = (result.content ?? []).map((item) => item.text ?? '').join('\n');
    return { kind: 'reply', text: `The command printed: ${text}` };
  }
  const tool = toolFor(
    task,
    (body.toolConfig?.tools ?? []).map((t) => t.toolSpec?.name ?? ''),
  );
  if (!tool) return { kind: 'reply', text: 'I have no shell tool.' };
  // Claude reasons before a tool call too, and must get that signed reasoning back with the call (fake-bedrock.ts).
  return {
    kind: 'reply',
    ...reasoning,
    toolCalls: [{ id: 'tooluse_shell_1', name: tool.name, input: tool.args(task.text) }],
  };
}
