/**
 * Anthropic takes tool_use ids matching `^[a-zA-Z0-9_-]+$` only, while OpenAI-compatible servers mint others
 * (Kimi's `functions.Bash:0`, Ollama's, Codex's `call_x|fc_y`). Every other character becomes `_`: the rewrite
 * is deterministic, so a call and the result that names it, rewritten apart, still match; valid ids are kept.
 */
const OUTSIDE_PATTERN = /[^a-zA-Z0-9_-]/g;

export function anthropicToolId(id: string): string {
  return id.replace(OUTSIDE_PATTERN, '_');
}
