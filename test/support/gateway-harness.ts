import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import { Gateway } from '../../src/server/gateway.js';
import type { RequestRecord } from '../../src/telemetry/request-record.js';

export const ADMIN_TOKEN = 'amg_admin_test_token_0123456789abcdef';
export const CLIENT_TOKEN = 'amg_test_client_token_0123456789';

export interface HarnessOptions {
  /** The config as an object (written as YAML) or as YAML text. storage/listen are filled in when absent. */
  config: Record<string, unknown> | string;
  env?: Record<string, string | undefined>;
  adminListen?: string;
  /** The clock of rate-limit windows and budget periods. */
  now?: () => number;
}

/** A gateway started the way `amg serve` starts it: from a YAML file on disk, over real sockets. */
export class GatewayHarness {
  private constructor(
    readonly gateway: Gateway,
    readonly dir: string,
    readonly configPath: string,
  ) {}

  static async start(options: HarnessOptions): Promise<GatewayHarness> {
    const dir = await mkdtemp(join(tmpdir(), 'amg-test-'));
    const configPath = join(dir, 'gateway.yaml');
    const text =
      typeof options.config === 'string'
        ? options.config
        : stringify({
            storage: `sqlite:${join(dir, 'gateway.db')}`,
            clients: [{ name: 'test-client', token: CLIENT_TOKEN }],
            ...options.config,
          });
    await writeFile(configPath, text);
    const env = { ...process.env, AMG_ADMIN_TOKEN: ADMIN_TOKEN, ...options.env };
    const gateway = await Gateway.start({
      configPath,
      env,
      listen: '127.0.0.1:0',
      ...(options.adminListen ? { adminListen: options.adminListen } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    return new GatewayHarness(gateway, dir, configPath);
  }

  get url(): string {
    return this.gateway.url;
  }

  get adminUrl(): string {
    return this.gateway.adminUrl;
  }

  /** An official OpenAI SDK client pointed at the gateway. */
  openai(apiKey = CLIENT_TOKEN, options: { maxRetries?: number } = {}): OpenAI {
    return new OpenAI({ apiKey, baseURL: `${this.url}/v1`, maxRetries: options.maxRetries ?? 0 });
  }

  /** An official Anthropic SDK client pointed at the gateway (its baseURL is the root: the SDK adds /v1). */
  anthropic(apiKey = CLIENT_TOKEN, options: { maxRetries?: number } = {}): Anthropic {
    return new Anthropic({ apiKey, baseURL: this.url, maxRetries: options.maxRetries ?? 0 });
  }

  async admin(
    method: string,
    path: string,
    body?: unknown,
    token = ADMIN_TOKEN,
  ): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.adminUrl}/admin/api${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json().catch(() => undefined) };
  }

  /** Waits until at least `count` telemetry records are in the store, newest first. */
  async records(count = 1, timeoutMs = 5_000): Promise<RequestRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.gateway.telemetry.flush();
      const rows = await this.gateway.store.listRequests({ limit: 1000 });
      if (rows.length >= count || Date.now() > deadline) return rows;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * The newest record that `matches`, once the store has it (the telemetry buffer flushed on every look); an
   * error naming what was awaited when none comes within `timeoutMs`.
   */
  async recordWhere(matches: (record: RequestRecord) => boolean, timeoutMs = 5_000): Promise<RequestRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.gateway.telemetry.flush();
      const found = (await this.gateway.store.listRequests({ limit: 50 })).find(matches);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching request record within ${timeoutMs} ms: ${matches}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    await this.gateway.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A provider entry for a fake upstream on loopback. */
export function fakeProvider(name: string, baseUrl: string, apiKey = 'sk-upstream-secret-key', type = 'openai') {
  return { name, type, base_url: baseUrl, api_key: apiKey, allow_private_network: true };
}

/** A Bedrock provider at a fake's endpoint, signing with `keys` (SigV4, a session token when the keys have one). */
export function fakeBedrockProvider(
  name: string,
  endpoint: string,
  keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
) {
  return {
    name,
    type: 'bedrock',
    base_url: endpoint,
    allow_private_network: true,
    aws: {
      region: 'us-east-1',
      access_key_id: keys.accessKeyId,
      secret_access_key: keys.secretAccessKey,
      ...(keys.sessionToken === undefined ? {} : { session_token: keys.sessionToken }),
    },
  };
}
