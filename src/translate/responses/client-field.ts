/**
 * The Responses name of an IR request field, so an upstream builder's rejection names what the client sent.
 * A path keeps its tail (`responseFormat.schema` -> `text.format.schema`). `topK` and `stopSequences` have no
 * Responses field (the parser never sets them); they are named as the other OpenAI dialect spells them.
 */
const CLIENT_FIELDS: Readonly<Record<string, string>> = {
  model: 'model',
  system: 'instructions',
  messages: 'input',
  tools: 'tools',
  toolChoice: 'tool_choice',
  parallelToolCalls: 'parallel_tool_calls',
  maxTokens: 'max_output_tokens',
  temperature: 'temperature',
  topP: 'top_p',
  topK: 'top_k',
  seed: 'seed',
  presencePenalty: 'presence_penalty',
  frequencyPenalty: 'frequency_penalty',
  stopSequences: 'stop',
  stream: 'stream',
  responseFormat: 'text.format',
  verbosity: 'text.verbosity',
  reasoning: 'reasoning',
  user: 'user',
  cacheControl: 'cache_control',
};

const REASONING_FIELDS: Readonly<Record<string, string>> = {
  effort: 'effort',
  budgetTokens: 'effort',
  summary: 'summary',
};

/** Log probabilities are asked for with `top_logprobs` or the `message.output_text.logprobs` include item. */
function logprobsField(body: Readonly<Record<string, unknown>> | undefined): string {
  const include = Array.isArray(body?.include) ? body.include : [];
  const index = include.indexOf('message.output_text.logprobs');
  return index >= 0 && !body?.top_logprobs ? `include[${index}]` : 'top_logprobs';
}

export function responsesClientField(irField: string, body?: Readonly<Record<string, unknown>>): string {
  if (irField === 'logprobs') return logprobsField(body);
  const match = /^([A-Za-z]+)(.*)$/s.exec(irField);
  if (!match) return irField;
  const [, head = '', tail = ''] = match;
  const name = CLIENT_FIELDS[head];
  if (name === undefined) return irField;
  // IR message indexes do not match input item indexes (items are grouped); builders name message.path instead.
  if (head === 'messages') return name;
  if (head === 'reasoning' && tail.startsWith('.')) {
    const sub = tail.slice(1);
    return `reasoning.${REASONING_FIELDS[sub] ?? sub}`;
  }
  return name + tail;
}
