// Portkey's open-source gateway as a peer in the benchmark: installed on demand into bench/.peers/portkey (outside
// the project's dependency tree, so `npm ci` never sees it), started pinned like our gateway, and pointed at the
// bench's fake upstream per request with Portkey's own headers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The peer's exact version, recorded in the report. */
export const PORTKEY_VERSION = '1.15.2';

/**
 * Portkey 1.15.2 declares `@hono/node-server: ^1.3.3`, which resolves to 1.19.x today; with 1.14.2 and later every
 * streamed chat request fails ("TypeError: immutable" in ResponseService.updateHeaders, Portkey issue #1389): its
 * stream path builds `new Response(stream, upstreamResponse)`, and from 1.14.2 node-server's Response keeps the
 * upstream's immutable headers instead of copying them. 1.14.1 is the last release that copies them.
 */
export const HONO_NODE_SERVER_VERSION = '1.14.1';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'bench/.peers/portkey');
const entry = join(dir, 'node_modules/@portkey-ai/gateway/build/start-server.js');

function installedVersion(name) {
  try {
    return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/**
 * The path of Portkey's server entry, installing the pinned versions first when they are not there yet; or the
 * reason it could not be installed (offline, registry unreachable), for the report to say so.
 */
export function ensurePortkey() {
  if (
    installedVersion('@portkey-ai/gateway') === PORTKEY_VERSION &&
    installedVersion('@hono/node-server') === HONO_NODE_SERVER_VERSION &&
    existsSync(entry)
  ) {
    return { entry };
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify(
      {
        private: true,
        description:
          'Written by bench/portkey.mjs: the Portkey gateway the bench runs side by side. Not a project dependency.',
        dependencies: { '@portkey-ai/gateway': PORTKEY_VERSION },
        overrides: { '@hono/node-server': HONO_NODE_SERVER_VERSION },
      },
      null,
      2,
    )}\n`,
  );
  // --ignore-scripts: the package's only install script is `patch-package`, and it ships no patches.
  const npm = spawnSync(
    'npm',
    ['install', '--prefix', dir, '--ignore-scripts', '--no-audit', '--no-fund', '--fetch-retries=1'],
    { encoding: 'utf8', timeout: 180_000 },
  );
  if (npm.status !== 0 || !existsSync(entry)) {
    // npm puts the cause (error code, failed request) first and the advice and log path last.
    const why = npm.error?.message ?? npm.stderr?.trim().split('\n').slice(0, 4).join(' ') ?? 'unknown';
    return { skipped: `npm install of @portkey-ai/gateway@${PORTKEY_VERSION} failed: ${why}` };
  }
  return { entry };
}

/**
 * The arguments for `node`: Portkey's own server (its npm `bin`), without the log UI (`--headless`), on a port
 * the kernel picks, announced and bound to loopback by bench/peer-listen.mjs.
 */
export function portkeyArgs(portkeyEntry) {
  return ['--import', join(root, 'bench/peer-listen.mjs'), portkeyEntry, '--port=0', '--headless'];
}

/**
 * What every request to Portkey carries: its provider and the OpenAI-compatible host to call (Portkey appends
 * `/chat/completions`; loopback is in its default TRUSTED_CUSTOM_HOSTS), and the provider key it forwards as the
 * upstream's bearer token, the same key our gateway's config holds.
 */
export function portkeyRequest(upstreamPort) {
  return {
    token: 'sk-bench',
    headers: {
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `http://127.0.0.1:${upstreamPort}/v1`,
    },
  };
}
