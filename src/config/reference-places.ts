import type { ConfigProblem } from './semantic-checks.js';

/**
 * Names and model ids: they are shown to every client (`GET /v1/models`), to every admin role (status, providers,
 * request log, metrics labels) and written into every telemetry record. A `${VAR}` there would publish the
 * variable's value, and an admin who may edit the config need not be able to read the gateway's environment.
 */
const NAME_PATHS = [
  /^providers\[\d+\]\.name$/,
  /^models\[\d+\]\.name$/,
  /^models\[\d+\]\.targets\[\d+\]\.(?:provider|model)$/,
  /^clients\[\d+\]\.name$/,
];

/** A problem for each name or model id written with a `${VAR}` reference (which are refused). */
export function referencesInNames(references: ReadonlyMap<string, readonly string[]>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [path, variables] of references) {
    if (!NAME_PATHS.some((pattern) => pattern.test(path))) continue;
    problems.push({
      path,
      message: `\${${variables[0]}}: environment references are not allowed in names and model ids, which every client and admin can read; write the name itself`,
    });
  }
  return problems;
}
