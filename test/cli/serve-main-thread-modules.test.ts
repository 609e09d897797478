import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST_CLI = fileURLToPath(new URL('../../dist/cli/', import.meta.url));

/** The chunks a chunk loads before any of its code runs (static imports), and the packages they name. */
function staticClosure(entries: string[]): { chunks: Set<string>; packages: Set<string> } {
  const chunks = new Set<string>();
  const packages = new Set<string>();
  const pending = [...entries];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (chunks.has(name)) continue;
    chunks.add(name);
    const source = readFileSync(`${DIST_CLI}${name}`, 'utf8');
    for (const [, specifier] of source.matchAll(/(?:from|import)\s+"([^"]+)"/g)) {
      if (specifier === undefined) continue;
      if (specifier.startsWith('./')) pending.push(specifier.slice(2));
      else if (!specifier.startsWith('node:')) packages.add(specifier.split('/')[0] ?? specifier);
    }
  }
  return { chunks, packages };
}

describe('what `amg serve` loads in its main thread', () => {
  // The store lives in the SQLite worker thread; Kysely's ~260 modules in the main thread cost ~3.4 MB of idle RSS
  // (issue 14's ≤ 70 MB). A CLI-only helper that queries the store must be loaded on demand, not with the program.
  it('does not load Kysely: the program and the gateway chunk import it neither directly nor through a chunk', () => {
    const { chunks, packages } = staticClosure(['main.js', 'main-program.js', 'main-gateway.js']);
    expect(chunks.size).toBeGreaterThan(3);
    expect([...packages]).not.toContain('kysely');
  });
});
