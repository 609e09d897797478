import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { ConfigProblem } from '../semantic-checks.js';
import { flowDepthProblem } from '../yaml-bounds.js';

/** `models[0].targets[1].provider` → ['models', 0, 'targets', 1, 'provider']. */
function segments(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) out.push(Number(match[2]));
    else if (match[1] !== undefined) out.push(match[1]);
  }
  return out;
}

/** The key node (not the value) of the last segment of `path`. */
function keyNode(document: Document, path: Array<string | number>): unknown {
  const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  return parent.items.find((pair) => isScalar(pair.key) && pair.key.value === path[path.length - 1])?.key;
}

/**
 * The line (1-based) of each problem in the config text, so an editor can mark it where it is: syntax errors
 * carry `name:line:col`; schema and reference problems name a path, found in the YAML tree (the nearest
 * existing parent when the path names a missing key).
 */
export function problemLines(text: string, name: string, problems: readonly ConfigProblem[]) {
  // Text the config parser refused unparsed is not parsed here either (its problems carry their line).
  if (flowDepthProblem(text, name)) return problems.map((problem) => ({ ...problem, line: lineOf(problem, name) }));
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter });
  return problems.map((problem) => {
    const syntax = problem.path.startsWith(`${name}:`) ? /:(\d+):\d+$/.exec(problem.path) : null;
    if (syntax) return { ...problem, line: Number(syntax[1]) };
    // An unknown key is reported at its parent ("(root)" at the top): the key itself is the place to mark.
    const unknown = /^Unrecognized key: "([^"]+)"$/.exec(problem.message)?.[1];
    const path = [...(problem.path === '(root)' ? [] : segments(problem.path)), ...(unknown ? [unknown] : [])];
    for (let length = path.length; length > 0; length--) {
      const node =
        unknown && length === path.length ? keyNode(document, path) : document.getIn(path.slice(0, length), true);
      if (isNode(node) && node.range) return { ...problem, line: counter.linePos(node.range[0]).line };
    }
    return { ...problem, line: null };
  });
}

function lineOf(problem: ConfigProblem, name: string): number | null {
  const match = problem.path.startsWith(`${name}:`) ? /:(\d+)(?::\d+)?$/.exec(problem.path) : null;
  return match ? Number(match[1]) : null;
}
