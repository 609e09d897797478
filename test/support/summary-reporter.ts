import type { Reporter, TestModule } from 'vitest/node';

/** How many of the slowest test files a whole run lists (the CI log shows where its time goes). */
const SLOWEST = 15;

/**
 * Prints one closing line CI logs can be grepped for: "N passed, N failed, N skipped". Before it, on a run of many
 * files, the slowest files with their test and import time: the suite's duration is the sum of files like these,
 * and finding them otherwise takes runs of each folder on a shared machine.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedHere++;
        else skipped++;
      }
      // A module that failed outside any test (a hook, an import) counts as one failure.
      failed += failedHere === 0 && module.state() === 'failed' ? 1 : failedHere;
    }
    if (testModules.length >= 50) process.stdout.write(slowestFiles(testModules));
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

function slowestFiles(testModules: ReadonlyArray<TestModule>): string {
  const timed = testModules.map((module) => {
    const diagnostic = module.diagnostic();
    return { file: module.relativeModuleId, tests: diagnostic.duration, imports: diagnostic.collectDuration };
  });
  timed.sort((a, b) => b.tests + b.imports - (a.tests + a.imports));
  const lines = timed
    .slice(0, SLOWEST)
    .map(
      (t) =>
        `  ${((t.tests + t.imports) / 1000).toFixed(1).padStart(6)} s  ${t.file} (import ${(t.imports / 1000).toFixed(1)} s)`,
    );
  return `\nslowest test files (tests and hooks + import):\n${lines.join('\n')}\n`;
}
