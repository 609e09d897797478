/**
 * Anthropic carries tool arguments as a JSON object (`input`); the IR keeps them as the JSON text the model
 * produced. Text that is empty becomes `{}`; text that is not a JSON object (an OpenAI-compatible model can
 * emit anything) is wrapped as `{"_raw": "<text>"}` so Anthropic clients always receive an object.
 */

export function argumentsFromInput(input: unknown): string {
  return JSON.stringify(input ?? {});
}

export function inputFromArguments(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // not JSON at all: wrapped below
  }
  return { _raw: text };
}
