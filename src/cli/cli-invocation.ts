import { basename, dirname, isAbsolute, join, relative } from 'node:path';

/** This package's name, as npm reports it to the scripts it runs (`npm_package_name`). */
const PACKAGE_NAME = 'ai-model-gateway';

/**
 * How to run another `amg` command the way this one was started, for hints the CLI prints: `npm run amg --` in a
 * checkout (`npm run amg -- serve`, or `npm start`, the README's way of running both there), `npx amg` through npx,
 * `amg` as an installed bin, otherwise `node <script>` (`node dist/cli/main.js`, relative to the working directory
 * when under it). A hint naming a command the operator does not have (`npm run amg` outside a checkout) is a dead
 * end.
 */
export function cliInvocation(
  env: NodeJS.ProcessEnv = process.env,
  script: string | undefined = process.argv[1],
  cwd: string = process.cwd(),
): string {
  const viaBin = script !== undefined && basename(script) === 'amg';
  // npm passes its variables on to children: the lifecycle event alone would also match a `node dist/…` started
  // from a script run by npm, so each case also checks the script is the one npm would have run.
  if (env.npm_lifecycle_event === 'amg' && !viaBin) return 'npm run amg --';
  // `npm start` in this package's checkout runs its own dist/cli/main.js; another package's start script that
  // runs amg has no `amg` script to suggest.
  if (
    env.npm_lifecycle_event === 'start' &&
    env.npm_package_name === PACKAGE_NAME &&
    env.npm_package_json !== undefined &&
    script === join(dirname(env.npm_package_json), 'dist', 'cli', 'main.js')
  ) {
    return 'npm run amg --';
  }
  if (viaBin) return env.npm_command === 'exec' ? 'npx amg' : 'amg';
  if (script === undefined) return 'amg';
  const under = relative(cwd, script);
  return `node ${under.startsWith('..') || isAbsolute(under) ? script : under}`;
}
