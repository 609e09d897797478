/** What the Chat builder knows of OpenAI's own models, by name: the reasoning efforts and verbosity they take. */

/**
 * The lowest `reasoning_effort` an OpenAI reasoning model takes, for a client that asks for no reasoning
 * (`effort: "none"`, an Anthropic client's `thinking: {type: "disabled"}`): sending nothing would leave the
 * model at its default, `medium` before gpt-5.1 (https://platform.openai.com/docs/guides/reasoning).
 * - gpt-5.1 and later take `none` (their default); their codex and mini variants start at `low`;
 * - gpt-5, gpt-5-mini and gpt-5-nano start at `minimal`; gpt-5-codex at `low`;
 * - the o-series (o1, o3, o4-mini, ...) at `low`; o1-mini and o1-preview take no effort at all;
 * - gpt-5-pro takes only `high`, and chat models (`gpt-5-chat-latest`) and non-OpenAI models no effort: nothing.
 * Models are known by name, with OpenRouter's `openai/` prefix and a date suffix allowed (an Azure deployment
 * named after its model is known too).
 */
export function leastReasoningEffort(upstreamModel: string): 'none' | 'minimal' | 'low' | undefined {
  const name = openaiModelName(upstreamModel);
  if (/^o1-(mini|preview)/.test(name)) return undefined;
  if (/^o\d/.test(name)) return 'low';
  const gpt5 = /^gpt-5(\.\d+)?(-.*)?$/.exec(name);
  if (!gpt5) return undefined;
  const [, minor, variant = ''] = gpt5;
  if (/^-(pro|chat)/.test(variant)) return undefined;
  if (variant === '') return minor === undefined ? 'minimal' : 'none';
  if (minor === undefined && /^-(mini|nano)$/.test(variant)) return 'minimal';
  return 'low';
}

/** An upstream model name as OpenAI's: OpenRouter's `openai/` prefix and a date suffix left off. */
function openaiModelName(upstreamModel: string): string {
  return upstreamModel
    .toLowerCase()
    .replace(/^openai\//, '')
    .replace(/-\d{4}-\d{2}-\d{2}$/, '');
}

/**
 * Whether an OpenAI model takes a `verbosity` other than `medium`: the gpt-5 family (gpt-5, -mini, -nano, gpt-5.1
 * and later); its codex models take only `medium`, and models before gpt-5 refuse the field.
 */
export function takesVerbosity(upstreamModel: string): boolean {
  return /^gpt-5(\.\d+)?(-mini|-nano)?$/.test(openaiModelName(upstreamModel));
}
