/**
 * The names a served model may be priced under, most specific first: the name as configured, then with cloud
 * spellings and version suffixes taken off one at a time. `us.anthropic.claude-sonnet-4-5-20250929-v1:0`
 * (Bedrock), `claude-sonnet-4-5@20250929` (Vertex), `gpt-4o-2024-08-06` and `claude-sonnet-4-5-20250929`
 * (dated snapshots) all end at their base model. Never shortens a name past its family: `gpt-4o-mini` stays
 * itself and is not priced as `gpt-4o`.
 */
export function priceNames(model: string): string[] {
  const names: string[] = [];
  let name = model.trim().toLowerCase();
  const add = (candidate: string) => {
    if (candidate.length > 0 && !names.includes(candidate)) names.push(candidate);
  };
  add(name);
  name = name.replace(/^models\//, '');
  name = name.replace(BEDROCK_REGION, '').replace(BEDROCK_VENDOR, '').replace(BEDROCK_VERSION, '');
  name = name.replace(/@.*$/, '');
  add(name);
  for (const suffix of VERSION_SUFFIXES) {
    const shorter = name.replace(suffix, '');
    if (shorter !== name) {
      name = shorter;
      add(name);
    }
  }
  add(`${name}-latest`);
  return names;
}

/** Bedrock cross-region inference profiles prefix the model id with a geography. */
const BEDROCK_REGION = /^(us|eu|apac|global|jp|au|ca|us-gov)\./;
const BEDROCK_VENDOR = /^(anthropic|mistral|meta|amazon|cohere|deepseek|openai|ai21|writer)\./;
const BEDROCK_VERSION = /-v\d+(:\d+)?$/;

/** Applied in this order, each at most once. */
const VERSION_SUFFIXES: readonly RegExp[] = [
  /-latest$/,
  /-preview(-[\w-]+)?$/,
  /-\d{4}-\d{2}-\d{2}$/, // OpenAI: gpt-4o-2024-08-06
  /-\d{8}$/, // Anthropic: claude-sonnet-4-5-20250929
  /-\d{4}$/, // xAI and Mistral: grok-4-0709, mistral-large-2411
  /-\d{3}$/, // Gemini: gemini-2.0-flash-001
  /-0$/, // Anthropic aliases: claude-sonnet-4-0
];
