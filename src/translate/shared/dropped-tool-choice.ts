import type { IrTool, IrToolChoice } from '../ir/types.js';
import type { HintReport } from './hint-report.js';

/**
 * The tool choice left once provider-side tools (web search, web fetch, tool search) were dropped as hints.
 * A choice that names a dropped tool, or any choice once no tool is left, never reaches the upstream (the
 * request builders send a tool choice only with tools, and one naming an undeclared tool would be refused),
 * so it is dropped with them and reported as `tool_choice`: a client that forced a search must be told the
 * model was not made to call anything.
 */
export function choiceAfterDroppedTools(
  choice: IrToolChoice | undefined,
  tools: readonly IrTool[],
  droppedTools: readonly string[],
  hints: HintReport,
): IrToolChoice | undefined {
  if (choice === undefined || droppedTools.length === 0) return choice;
  const namesDropped =
    choice.type === 'tool' && droppedTools.includes(choice.name) && !tools.some((tool) => tool.name === choice.name);
  if (tools.length > 0 && !namesDropped) return choice;
  hints.drop('tool_choice');
  return undefined;
}
