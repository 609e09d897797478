import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `amg <args>` (the built CLI) to completion. */
export function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; input?: string },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A long-running `amg serve` process; resolves once its banner shows the URL. */
export class ServeProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    /** Signals go to the child's whole process group, as a terminal's Ctrl-C reaches its foreground job. */
    private readonly asForegroundJob = false,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk));
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(
    args: string[],
    options: { cwd: string; env?: Record<string, string | undefined> },
  ): Promise<ServeProcess> {
    const child = spawn(process.execPath, [CLI, 'serve', '--listen', '127.0.0.1:0', ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
    });
    return ServeProcess.started(new ServeProcess(child));
  }

  /**
   * `amg serve` run by `npm start` (a package.json written in `cwd`), in a process group of its own as a job a
   * terminal runs: `signal` reaches npm and the gateway both, as Ctrl-C at that terminal does.
   */
  static async startUnderNpm(options: {
    cwd: string;
    env?: Record<string, string | undefined>;
  }): Promise<ServeProcess> {
    const start = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} serve --listen 127.0.0.1:0`;
    await writeFile(join(options.cwd, 'package.json'), JSON.stringify({ private: true, scripts: { start } }));
    const child = spawn('npm', ['start', '--silent'], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      detached: true,
    });
    return ServeProcess.started(new ServeProcess(child, true));
  }

  private static async started(serve: ServeProcess): Promise<ServeProcess> {
    const deadline = Date.now() + 15_000;
    while (!/API\s+http:\/\/[\d.]+:\d+/.test(serve.banner)) {
      const code = await Promise.race([serve.exited, new Promise((r) => setTimeout(() => r('running'), 25))]);
      if (code !== 'running') throw new Error(`amg serve exited (${String(code)}): ${serve.stderr}`);
      if (Date.now() > deadline) throw new Error(`amg serve did not start: ${serve.stdout}${serve.stderr}`);
    }
    return serve;
  }

  /**
   * Both streams: the banner is on stdout only at a terminal; from a pipe it is on the stream the JSON log
   * lines do not use (stderr unless `log.output: stderr`).
   */
  get banner(): string {
    return `${this.stdout}\n${this.stderr}`;
  }

  get url(): string {
    return /API\s+(http:\/\/[\d.]+:\d+)/.exec(this.banner)?.[1] ?? '';
  }

  signal(signal: NodeJS.Signals): void {
    if (this.asForegroundJob && this.child.pid !== undefined) process.kill(-this.child.pid, signal);
    else this.child.kill(signal);
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}
