import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { ServeProcess } from '../support/cli-process.js';

const ADMIN = 'amg_admin_tracing_modules_0123456789';
const TOKEN = 'amg_client_tracing_modules_0123456789';

/**
 * Loaded by `--import` into the gateway: at exit, writes the files of every CommonJS module the process loaded
 * (the OpenTelemetry packages are CommonJS, loaded through that cache even when imported), and the CommonJS
 * modules outside them that required one of them.
 */
const PROBE = `import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const otel = (file) => file.includes('/node_modules/@opentelemetry/');
process.on('exit', () => {
  const modules = Object.values(require.cache);
  const requirers = modules.filter((m) => !otel(m.filename) && m.children.some((c) => otel(c.filename)));
  writeFileSync(process.env.AMG_TEST_LOADED_MODULES, JSON.stringify({
    files: modules.map((m) => m.filename),
    requirers: requirers.map((m) => m.filename),
  }));
});
`;

interface Loaded {
  /** The OpenTelemetry package of each loaded file, with the files of each package (relative to its folder). */
  packages: Map<string, string[]>;
  /** CommonJS modules of other packages that required an OpenTelemetry one. */
  requirers: string[];
}

function otelPackages(files: string[]): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  for (const file of files) {
    const match = /node_modules\/@opentelemetry\/([^/]+)\/(.*)$/.exec(file);
    if (!match?.[1] || match[2] === undefined) continue;
    packages.set(match[1], [...(packages.get(match[1]) ?? []), match[2]]);
  }
  return packages;
}

/** The built gateway loads the OpenTelemetry packages when tracing is on, and of them only what its settings use. */
describe('OpenTelemetry modules a gateway loads', () => {
  let dir: string;
  let upstream: FakeOpenAI;
  let collector: Server;
  let exports = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-tracing-modules-'));
    await writeFile(join(dir, 'probe.mjs'), PROBE);
    upstream = await FakeOpenAI.start({ apiKey: 'sk-upstream' });
    collector = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        exports++;
        res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => collector.close(resolve));
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Serves one chat request with `telemetry` in the config (waiting for an export when tracing is on). */
  async function loadedBy(name: string, telemetry: string): Promise<Loaded> {
    const port = (collector.address() as AddressInfo).port;
    await writeFile(
      join(dir, `${name}.yaml`),
      `storage: sqlite:./${name}.db
providers:
  - { name: up, type: openai, base_url: ${upstream.baseUrl}, allow_private_network: true, api_key: sk-upstream }
clients: [{ name: test, token: ${TOKEN} }]
models:
  - { name: chat, targets: [{ provider: up, model: m }] }
${telemetry.replace('COLLECTOR', `http://127.0.0.1:${port}`)}`,
    );
    const loaded = join(dir, `${name}.json`);
    const serve = await ServeProcess.start(['--config', `${name}.yaml`], {
      cwd: dir,
      env: {
        AMG_ADMIN_TOKEN: ADMIN,
        AMG_TEST_LOADED_MODULES: loaded,
        NODE_OPTIONS: `--import=${join(dir, 'probe.mjs')}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined,
      },
    });
    const before = exports;
    try {
      const response = await fetch(`${serve.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(200);
      await response.text();
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    // Spans still batched are exported as the gateway shuts down.
    if (telemetry.includes('sample_ratio: 1')) expect(exports).toBeGreaterThan(before);
    const { files, requirers } = JSON.parse(await readFile(loaded, 'utf8')) as { files: string[]; requirers: string[] };
    return { packages: otelPackages(files), requirers };
  }

  it('loads none with tracing off but the API, which prom-client requires whether metrics are on or not', async () => {
    const { packages, requirers } = await loadedBy('off', 'metrics: { enabled: false }\n');
    // prom-client's index loads its process CPU counter, which requires the API for exemplars: the one
    // OpenTelemetry package of an untraced gateway, and not the gateway's doing.
    expect([...packages.keys()]).toEqual(['api']);
    expect(requirers.map((file) => /node_modules\/([^/]+)\//.exec(file)?.[1])).toEqual(['prom-client']);
  });

  it('loads neither the tracing SDK nor the logs and metrics ones for OTLP protobuf at ratio 1 (the default protocol)', async () => {
    const { packages } = await loadedBy('protobuf', 'telemetry: { otlp: { endpoint: COLLECTOR, sample_ratio: 1 } }\n');
    expect([...packages.keys()].sort()).toEqual([
      'api',
      'core',
      'otlp-exporter-base',
      'otlp-transformer',
      'resources',
      'semantic-conventions',
    ]);
    // Of otlp-transformer, the export response's deserialiser alone: not its index, which loads every signal.
    expect(packages.get('otlp-transformer')?.sort()).toEqual([
      'build/src/common/protobuf/protobuf-reader.js',
      'build/src/trace/protobuf/response-deserializer.js',
    ]);
  });

  it('loads the JSON exporter and the SDK’s batch processor and ratio sampler when the settings use them', async () => {
    const { packages } = await loadedBy(
      'json',
      'telemetry: { otlp: { endpoint: COLLECTOR, sample_ratio: 0.5, protocol: http/json } }\n',
    );
    expect([...packages.keys()]).toEqual(
      expect.arrayContaining(['exporter-trace-otlp-http', 'sdk-trace-base', 'otlp-transformer']),
    );
  });
});
