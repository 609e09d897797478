import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { DraftSource } from '../../config/change/draft.js';
import type { ConfigProblem } from '../../config/semantic-checks.js';
import { configPathFrom } from '../config-path.js';
import {
  renderDiff,
  renderHistory,
  renderProblems,
  renderPublish,
  renderRevision,
  renderValidation,
} from '../render/config-render.js';
import { renderPreview } from '../render/preview-render.js';
import { type AdminConnectionOptions, withAdmin } from './keys.js';

/** FILE or REV (a number, optionally #3) as a draft source. */
async function sourceFrom(arg: string): Promise<DraftSource> {
  const revision = /^#?(\d+)$/.exec(arg);
  if (revision && !existsSync(arg)) return { revision: Number(revision[1]) };
  const content = await readFile(resolve(arg), 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === 'ENOENT' ? `${arg}: file not found` : `${arg}: ${error.message}`);
  });
  return { content, name: arg };
}

/** Prints a refusal that names config paths (invalid drafts), and sets exit code 1; rethrows anything else. */
async function reportingProblems(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const problems = (error as { problems?: ConfigProblem[] }).problems;
    if (!problems || problems.length === 0) throw error;
    process.stderr.write(`${renderProblems(`${(error as Error).message}:`, problems)}\n`);
    process.exitCode = 1;
  }
}

const print = (json: boolean | undefined, data: unknown, text: () => string) =>
  process.stdout.write(`${json ? JSON.stringify(data, null, 2) : text()}\n`);

function registerInspection(config: Command): void {
  config
    .command('validate')
    .argument('<file|rev>', 'config file (or revision number) to check')
    .option('--json', 'print JSON')
    .description('check a config: schema, references and environment variables, with warnings (exit 1 when invalid)')
    .action(async (arg: string, options: { json?: boolean }, command: Command) => {
      const result = await withAdmin(command, async (admin) => admin.validate(await sourceFrom(arg)));
      if (options.json) print(true, result, () => '');
      else if (result.valid) print(false, result, () => renderValidation(result));
      else process.stderr.write(`${renderProblems(`${result.source} is invalid:`, result.errors)}\n`);
      if (!result.valid) process.exitCode = 1;
    });

  config
    .command('diff')
    .argument('<a>', 'config file or revision; compared with the active revision when it is the only argument')
    .argument('[b]', 'config file or revision to compare a with')
    .option('--exit-code', 'exit 1 when there are changes (for CI: "does the file match what runs?")')
    .option('--json', 'print JSON')
    .description('structural diff by path (named items matched by name); secrets only shown as changed')
    .action(
      async (a: string, b: string | undefined, options: { json?: boolean; exitCode?: boolean }, command: Command) => {
        await reportingProblems(async () => {
          const [base, target] =
            b === undefined ? [undefined, await sourceFrom(a)] : [await sourceFrom(a), await sourceFrom(b)];
          const report = await withAdmin(command, (admin) => admin.diff(target, base));
          print(options.json, report, () => renderDiff(report));
          if (options.exitCode && report.changes.length > 0) process.exitCode = 1;
        });
      },
    );

  config
    .command('preview')
    .argument('<file|rev>', 'the draft config')
    .option('-w, --window <duration>', 'how much recorded traffic to replay', '24h')
    .option('--json', 'print JSON')
    .description("the draft's routing table and its impact on recorded traffic (nothing is sent upstream)")
    .action(async (arg: string, options: { window: string; json?: boolean }, command: Command) => {
      await reportingProblems(async () => {
        const source = await sourceFrom(arg);
        const report = await withAdmin(command, (admin) => admin.preview(source, options.window));
        print(options.json, report, () => renderPreview(report));
      });
    });
}

interface PublishOptions {
  message: string;
  guard?: string;
  guardMinRequests?: number;
  guardMargin?: number;
  baseRevision?: number;
  json?: boolean;
}

function registerChanges(config: Command): void {
  config
    .command('publish')
    .argument('<file|rev>', 'config file (or an earlier revision) to publish')
    .requiredOption('-m, --message <message>', 'why: recorded with the revision and in the audit log')
    .option('--guard <duration>', 'watch the changed models for this long and roll back if errors rise (e.g. 5m)')
    .option('--guard-min-requests <n>', 'requests needed before the guard judges (default 20)', Number)
    .option('--guard-margin <fraction>', 'error-rate rise that triggers a rollback (default 0.1)', Number)
    .option('--base-revision <n>', 'fail unless this is still the active revision', Number)
    .option('--json', 'print JSON')
    .description('validate, diff and publish a config as the new active revision')
    .action(async (arg: string, options: PublishOptions, command: Command) => {
      await reportingProblems(async () => {
        const source = await sourceFrom(arg);
        const configPath = configPathFrom(command.optsWithGlobals<AdminConnectionOptions>().config).path;
        const guard = options.guard
          ? { window: options.guard, min_requests: options.guardMinRequests, margin: options.guardMargin }
          : undefined;
        const { outcome, local } = await withAdmin(command, async (admin) => ({
          local: admin.local,
          outcome: await admin.publish({
            ...source,
            message: options.message,
            guard,
            source: 'content' in source && resolve(arg) === configPath ? 'file' : 'cli',
            base_revision: options.baseRevision,
          }),
        }));
        print(options.json, outcome, () => renderPublish(outcome, local));
      });
    });

  config
    .command('rollback')
    .argument('[rev]', 'revision to return to (default: the one active before the current one)')
    .option('-m, --message <message>', 'why')
    .option('--json', 'print JSON')
    .description('make an earlier revision active again (recorded as a new revision)')
    .action(async (rev: string | undefined, options: { message?: string; json?: boolean }, command: Command) => {
      await reportingProblems(async () => {
        const to = rev === undefined ? undefined : Number(rev.replace(/^#/, ''));
        const { outcome, local } = await withAdmin(command, async (admin) => ({
          local: admin.local,
          outcome: await admin.rollback(to, options.message),
        }));
        print(options.json, outcome, () => renderPublish(outcome, local, 'Rolled back as'));
      });
    });
}

function registerHistory(config: Command): void {
  config
    .command('history')
    .option('-n, --limit <n>', 'how many', '20')
    .option('--json', 'print JSON')
    .description('the revisions, newest first, with author, source, message and guard outcome')
    .action(async (options: { limit: string; json?: boolean }, command: Command) => {
      const page = await withAdmin(command, (admin) => admin.history(Number(options.limit)));
      print(options.json, page, () => renderHistory(page.data));
    });

  config
    .command('show')
    .argument('<rev>', 'revision number')
    .option('--json', 'print JSON')
    .description('one revision: metadata and content (secrets redacted)')
    .action(async (rev: string, options: { json?: boolean }, command: Command) => {
      const revision = await withAdmin(command, (admin) => admin.show(Number(rev.replace(/^#/, ''))));
      print(options.json, revision, () => renderRevision(revision));
    });

  config
    .command('export')
    .description('the active revision as YAML; secrets appear as <redacted>, which publish reads as "keep"')
    .action(async (_options: unknown, command: Command) => {
      const exported = await withAdmin(command, (admin) => admin.exportConfig());
      process.stdout.write(exported.content.endsWith('\n') ? exported.content : `${exported.content}\n`);
    });
}

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('change configuration safely: validate, diff, preview, publish, rollback, history');
  registerInspection(config);
  registerChanges(config);
  registerHistory(config);
}
