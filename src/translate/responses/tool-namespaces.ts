import { isJsonObject } from './field-readers.js';

/**
 * Namespace tool groups (`{type: "namespace", name, tools: [...]}`, which Codex sends) have no counterpart in
 * other dialects, so each tool in a group goes upstream as a plain function named `<namespace>__<name>`. A call
 * of that name comes back to the client as `{name, namespace}`, the pair the client looks its tool up by, and a
 * `function_call` item sent back with a `namespace` is flattened the same way so it matches its tool again.
 */
export const NAMESPACE_SEPARATOR = '__';

export function flatToolName(namespace: string, name: string): string {
  return `${namespace}${NAMESPACE_SEPARATOR}${name}`;
}

export interface ClientToolName {
  name: string;
  namespace?: string | undefined;
  /** A custom (freeform) tool: its calls go back as `custom_tool_call` items (custom-tools.ts). */
  custom?: true;
}

/** How the client names an upstream tool; names outside any namespace group map to themselves. */
export type ClientToolNames = (upstreamName: string) => ClientToolName;

const plain: ClientToolNames = (name) => ({ name });

const renamed = (tool: unknown) => isJsonObject(tool) && (tool.type === 'namespace' || tool.type === 'custom');

/**
 * The client's names for the flattened tools of its request, and which are custom tools (read from the request
 * the encoder echoes).
 */
export function clientToolNames(clientRequest: Readonly<Record<string, unknown>>): ClientToolNames {
  const tools = clientRequest.tools;
  if (!Array.isArray(tools) || !tools.some(renamed)) return plain;
  const names = new Map<string, ClientToolName>();
  for (const group of tools) {
    if (isJsonObject(group) && group.type === 'custom' && typeof group.name === 'string') {
      names.set(group.name, { name: group.name, custom: true });
    }
    if (!isJsonObject(group) || group.type !== 'namespace' || typeof group.name !== 'string') continue;
    if (!Array.isArray(group.tools)) continue;
    for (const tool of group.tools) {
      if (isJsonObject(tool) && typeof tool.name === 'string') {
        names.set(flatToolName(group.name, tool.name), { name: tool.name, namespace: group.name });
      }
    }
  }
  return (name) => names.get(name) ?? { name };
}
