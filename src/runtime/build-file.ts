import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The path of a file of the build (`dist/`), e.g. a worker thread's program. This module sits one directory
 * below `src/`, like the bundled program in `dist/cli/`, so one relative URL serves the compiled modules, the
 * bundle (scripts/bundle.mjs) and, from TypeScript sources (tests), the build beside them.
 */
export function buildFile(path: string): string {
  const here = import.meta.url;
  const root = here.endsWith('.ts') ? new URL('../../dist/', here) : new URL('../', here);
  return fileURLToPath(new URL(path, root));
}

/** `buildFile`, for a file that must exist (worker threads need compiled JavaScript). */
export function requiredBuildFile(path: string): string {
  const file = buildFile(path);
  if (!existsSync(file)) throw new Error(`${file} is missing; run "npm run build" first`);
  return file;
}
