import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('../../dist/cli/scavenge-on-one-core.js', import.meta.url));
const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

/**
 * Runs in a child (the flag is process-wide) with V8's scavenger tracing on: `--trace-gc` prints one line per
 * scavenge, `--trace-parallel-scavenge` one per scavenger that took part in it (the main thread's and each
 * helper's). Allocates enough objects that stay alive across scavenges for V8 to hand the work to helpers.
 */
function scavengers(cores: number): { scavenges: number; scavengers: number; applied: boolean } {
  const script = `
const { scavengeOnMainThreadOnOneCore } = await import(${JSON.stringify(MODULE)});
const applied = scavengeOnMainThreadOnOneCore(${cores});
let kept = [];
for (let i = 0; i < 3_000_000; i++) {
  kept.push({ i, text: 'x' + i });
  if (kept.length > 200_000) kept = kept.slice(100_000);
}
console.log('applied=' + applied);
`;
  const run = spawnSync(
    process.execPath,
    ['--trace-gc', '--trace-parallel-scavenge', '--input-type=module', '-e', script],
    { encoding: 'utf8' },
  );
  expect(run.status).toBe(0);
  return {
    scavenges: run.stdout.match(/: Scavenge /g)?.length ?? 0,
    scavengers: run.stdout.match(/scavenge\[0x/g)?.length ?? 0,
    applied: run.stdout.includes('applied=true'),
  };
}

describe('scavenges on one core', () => {
  it('leaves parallel scavenges alone when the process has more than one core', () => {
    const many = scavengers(2);
    expect(many.applied).toBe(false);
    expect(many.scavenges).toBeGreaterThan(5);
    expect(many.scavengers).toBeGreaterThan(many.scavenges);
  });

  it('scavenges on the main thread alone when the process has one core', () => {
    const one = scavengers(1);
    expect(one.applied).toBe(true);
    expect(one.scavenges).toBeGreaterThan(5);
    expect(one.scavengers).toBe(one.scavenges);
  });

  it.runIf(hasTaskset)('counts the cores the process may run on, not the machine’s', () => {
    const run = spawnSync('taskset', ['-c', '0', process.execPath, '-p', 'require("node:os").availableParallelism()'], {
      encoding: 'utf8',
    });
    expect(run.stdout.trim()).toBe('1');
  });
});
