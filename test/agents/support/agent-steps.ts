import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { GatewayHarness } from '../../support/gateway-harness.js';
import { type AgentRun, type Workspace, workspace } from './agents.js';

/**
 * The steps every agent test repeats, whichever agent and upstream: a fresh word the fakes echo (so an answer can
 * only come from this run), a workspace per describe block, a clean exit, and the run's request record.
 */

/** One agent run takes seconds, but on a loaded machine (load average 20+ seen) several pass vitest's default. */
export const AGENT_TIMEOUT_MS = 90_000;

export const word = (): string => `w${randomBytes(4).toString('hex')}`;

/** A workspace made before the enclosing describe block's tests and removed after them. */
export function blockWorkspace(): () => Workspace {
  let ws: Workspace | undefined;
  beforeAll(async () => {
    ws = await workspace();
  });
  afterAll(async () => ws?.close());
  return function current() {
    if (!ws) throw new Error('the workspace is made in beforeAll');
    return ws;
  };
}

/** Fails unless the agent exited with 0, showing its stderr and the end of its stdout (where its errors go). */
export function expectCleanExit(run: AgentRun): void {
  expect(run.code, `${run.stderr}${run.stdout.slice(-1500)}`).toBe(0);
}

/** Writes `marker.txt` holding a fresh word into the workspace, for the shell-tool test to `cat`; returns it. */
export async function writeMarker(ws: Workspace): Promise<string> {
  const marker = word();
  await writeFile(join(ws.cwd, 'marker.txt'), `${marker}\n`);
  return marker;
}

/** The newest successful request record for a model. */
export async function lastRecord(harness: GatewayHarness, model: string) {
  const records = await harness.records(1);
  return records.find((r) => r.requestedModel === model && r.status === 200);
}
