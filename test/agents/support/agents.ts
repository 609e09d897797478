import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real coding agents, from the separate test package in test/agents (installed by .ci/run). Each run gets
 * a throwaway HOME and working directory, a minimal environment (no inherited credentials or proxies) and the
 * agents' non-essential traffic turned off, so nothing but the gateway on loopback is ever contacted. Beyond
 * that they are configured only with the gateway's base URL, a client token and model names.
 */

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin');
export const CLAUDE = join(BIN, 'claude');
export const CODEX = join(BIN, 'codex');

/** Whether the agent is installed; in CI a missing agent fails the suite instead of skipping it. */
export function agentInstalled(bin: string, name: string): boolean {
  if (existsSync(bin)) return true;
  const message = `${name} is not installed (run \`npm ci\` in test/agents); its end-to-end tests are skipped`;
  if (process.env.CI) throw new Error(`${message} — CI must run them`);
  console.warn(`WARNING: ${message}`);
  return false;
}

export interface AgentRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Workspace {
  home: string;
  cwd: string;
  close(): Promise<void>;
}

export async function workspace(): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), 'amg-agent-'));
  const home = join(root, 'home');
  const cwd = join(root, 'work');
  await mkdir(home, { recursive: true });
  await mkdir(cwd, { recursive: true });
  return { home, cwd, close: () => rm(root, { recursive: true, force: true }) };
}

const RUN_TIMEOUT_MS = 120_000;

function baseEnv(home: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', TERM: 'dumb' };
}

/** How a run may be cut short: Ctrl-C (SIGINT) once `interrupt` settles, as a user stops an answer. */
export interface RunOptions {
  interrupt?: Promise<unknown>;
}

function run(bin: string, args: string[], cwd: string, env: Record<string, string>, options: RunOptions = {}) {
  return new Promise<AgentRun>((resolve) => {
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    void options.interrupt?.then(() => child.kill('SIGINT'));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `claude -p <prompt>` against the gateway, printing the session as stream-json (thinking blocks included). */
export function runClaude(
  gatewayUrl: string,
  token: string,
  model: string,
  prompt: string,
  ws: Workspace,
  options: RunOptions = {},
) {
  const env = {
    ...baseEnv(ws.home),
    ANTHROPIC_BASE_URL: gatewayUrl,
    ANTHROPIC_AUTH_TOKEN: token,
    ANTHROPIC_MODEL: model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
  // Non-interactive runs cannot ask before using a tool: allow the shell tool up front.
  const args = ['-p', prompt, '--output-format', 'stream-json', '--verbose', '--allowedTools', 'Bash'];
  return run(CLAUDE, args, ws.cwd, env, options);
}

/** Codex's config: the gateway as its model provider, and its plugin sync, analytics and update check off. */
function codexConfig(gatewayUrl: string, model: string): string {
  return [
    `model = ${JSON.stringify(model)}`,
    'model_provider = "gateway"',
    'check_for_update_on_startup = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    '',
    '[model_providers.gateway]',
    'name = "AI Model Gateway"',
    `base_url = ${JSON.stringify(`${gatewayUrl}/v1`)}`,
    'env_key = "AMG_TOKEN"',
    'wire_api = "responses"',
    '',
  ].join('\n');
}

/** `codex exec <prompt>` against the gateway, printing its events as JSON lines. */
export async function runCodex(
  gatewayUrl: string,
  token: string,
  model: string,
  prompt: string,
  ws: Workspace,
  extraArgs: string[] = [],
  options: RunOptions = {},
) {
  await mkdir(join(ws.home, '.codex'), { recursive: true });
  await writeFile(join(ws.home, '.codex', 'config.toml'), codexConfig(gatewayUrl, model));
  const env = { ...baseEnv(ws.home), AMG_TOKEN: token };
  const args = ['exec', '--json', '--skip-git-repo-check', ...extraArgs, prompt];
  return run(CODEX, args, ws.cwd, env, options);
}
