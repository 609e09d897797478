import { errors } from '../../errors/codes.js';
import type { IrTool, IrToolChoice } from '../ir/types.js';

/** An `allowed_tools` tool choice: the tools the model may call this turn, and whether it must call one. */
export interface AllowedTools {
  mode: 'auto' | 'required';
  names: string[];
  /** Where the list sits in the client's request. */
  path: string;
}

/**
 * An `allowed_tools` choice on an upstream that has none (Anthropic, Bedrock; Gemini's allowedFunctionNames
 * would do, but one IR serves every upstream): only the allowed tools are declared, with tool_choice auto or
 * required. The model can call exactly what OpenAI's choice lets it call; what is lost is only the point of
 * keeping the whole list (a prompt prefix cached across turns), which no upstream here shares with OpenAI.
 * An allowed name that is not among the tools is refused, as OpenAI refuses it.
 */
export function withAllowedTools(
  tools: IrTool[],
  allowed: AllowedTools,
): { tools: IrTool[]; toolChoice: IrToolChoice } {
  const declared = new Set(tools.map((tool) => tool.name));
  allowed.names.forEach((name, index) => {
    if (!declared.has(name)) {
      throw errors.invalidBody(`the allowed tool '${name}' is not among the tools`, `${allowed.path}[${index}]`);
    }
  });
  const names = new Set(allowed.names);
  return {
    tools: tools.filter((tool) => names.has(tool.name)),
    toolChoice: { type: allowed.mode === 'required' ? 'required' : 'auto' },
  };
}

/** The mode of an `allowed_tools` choice, checked. */
export function allowedMode(value: unknown, path: string): 'auto' | 'required' {
  if (value === 'auto' || value === 'required') return value;
  throw errors.invalidBody(`'${path}' must be 'auto' or 'required'`, path);
}
