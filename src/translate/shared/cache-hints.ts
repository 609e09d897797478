import type { IrRequest } from '../ir/types.js';

/** Whether any prompt-cache mark (Anthropic `cache_control`) is set on the system prompt, a message part or a tool. */
export function hasCacheControl(request: IrRequest): boolean {
  const parts = [...request.system, ...request.messages.flatMap((message) => message.content)];
  return (
    request.tools.some((tool) => tool.cacheControl) ||
    parts.some((part) => (part as { cacheControl?: unknown }).cacheControl !== undefined)
  );
}
