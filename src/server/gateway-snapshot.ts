import type { LoadedConfig } from '../config/load-config.js';
import type { GatewayConfig, ProviderConfig } from '../config/schema.js';
import { ProviderPrices } from '../cost/price-lookup.js';
import { credentialVariables } from '../providers/credential-variables.js';
import type { ProviderContext, ProviderDescriptor, UpstreamDialect } from '../providers/provider-descriptor.js';
import type { ProviderRuntime } from '../providers/provider-runtime.js';
import { providerSecrets } from '../providers/provider-secrets.js';
import { providerDescriptor } from '../providers/registry.js';
import type { ModelRoute, RouteTarget } from '../routing/route-table.js';
import { rememberedPerKey } from '../runtime/remembered-per-key.js';
import type { ErrorClass } from '../telemetry/request-record.js';
import type { PoolSettings, UpstreamPools } from '../upstream/pools.js';

/**
 * Everything a request needs from the configuration, built once per applied config. A request keeps the
 * snapshot it started with, so a reload never mixes two configurations within one request.
 */
export interface GatewaySnapshot {
  readonly revision: number | null;
  readonly loaded: LoadedConfig;
  readonly config: GatewayConfig;
  readonly providers: ReadonlyMap<string, ProviderRuntime>;
  readonly models: ReadonlyMap<string, ModelRoute>;
  /** Every distinct target, with the client models that use it. */
  readonly targets: ReadonlyMap<string, { target: RouteTarget; models: string[] }>;
  /** The pre-serialised body of GET /v1/models. */
  readonly modelListBody: string;
  readonly poolSettings: readonly PoolSettings[];
}

function poolSettingsFor(provider: ProviderConfig, config: GatewayConfig): PoolSettings {
  return {
    origin: new URL(provider.base_url).origin,
    allowPrivateNetwork: provider.allow_private_network,
    connections: provider.max_connections,
    connectTimeoutMs: config.routing.timeout.connect_ms,
  };
}

function buildProvider(
  provider: ProviderConfig,
  index: number,
  loaded: LoadedConfig,
  pools: UpstreamPools,
): { runtime: ProviderRuntime; settings: PoolSettings[] } {
  const descriptor = providerDescriptor(provider.type);
  const url = new URL(provider.base_url);
  const settings = [poolSettingsFor(provider, loaded.config)];
  const apiKey = provider.api_key ?? '';
  const credentials = { ...provider.headers, ...credentialValues(provider, descriptor) };
  // Replaced, not changed in place, when a credential is added: scrubbers cache their needles per list.
  let secrets = providerSecrets(apiKey, credentials);
  const context: ProviderContext = {
    pool: (origin) => {
      const extra = { ...(settings[0] as PoolSettings), origin, connections: 4 };
      settings.push(extra);
      return pools.get(extra);
    },
    baseDir: loaded.baseDir,
    now: Date.now,
    travellingSecret: (slot, secret) => {
      credentials[`obtained:${slot}`] = secret;
      secrets = providerSecrets(apiKey, credentials);
    },
  };
  let pool = pools.get(settings[0] as PoolSettings);
  const chatPath = descriptor.chatPath;
  const embeddingsPath = descriptor.embeddingsPath;
  const runtime: ProviderRuntime = {
    name: provider.name,
    descriptor,
    config: provider,
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    configured: descriptor.hasCredentials ? descriptor.hasCredentials(provider) : apiKey.length > 0,
    apiKeyEnv: credentialVariables(provider, index, loaded.references),
    // A swap closes the pools the new config does not use; a request still on this snapshot then takes an open one.
    get pool() {
      if (pool.closed || pool.destroyed) pool = pools.replacement(settings[0] as PoolSettings);
      return pool;
    },
    headers: {
      ...provider.headers,
      ...descriptor.staticHeaders(apiKey, provider),
      'content-type': 'application/json',
    },
    get secrets() {
      return secrets;
    },
    prices: new ProviderPrices(provider),
    chatPath: chatPath ? modelPaths(chatPath, provider) : constantPath(descriptor.endpoints.chat),
    embeddingsPath: embeddingsPath
      ? (model) => embeddingsPath(model, provider)
      : constantPath(descriptor.endpoints.embeddings),
    authorize: descriptor.authorizer?.(provider, context),
    streamFraming: descriptor.streamFraming ?? 'sse',
  };
  return { runtime, settings };
}

/**
 * A type's chat path per upstream model, made once per model and mode: Gemini's and Bedrock's escape the model
 * name into the path (a split, an encodeURIComponent per segment, a join and template strings per request).
 */
function modelPaths(
  chatPath: NonNullable<ProviderDescriptor['chatPath']>,
  provider: ProviderConfig,
): ProviderRuntime['chatPath'] {
  const streamed = rememberedPerKey((model) => chatPath(model, true, provider), MODEL_PATHS);
  const whole = rememberedPerKey((model) => chatPath(model, false, provider), MODEL_PATHS);
  return (model, stream) => (stream ? streamed(model) : whole(model));
}

/** The paths kept per provider and mode: bounded, as model names may come from clients. */
const MODEL_PATHS = 256;

/** A path that does not depend on the model: the OpenAI and Anthropic types pay one call for it. */
function constantPath<T extends string | undefined>(path: T): () => T {
  return () => path;
}

/** Credentials outside api_key and headers, so an upstream quoting one back is redacted too. */
function credentialValues(provider: ProviderConfig, descriptor: ProviderDescriptor): Record<string, string> {
  const values: Record<string, string> = {};
  if (provider.entra) values.entra = provider.entra.client_secret;
  // The type's own resolved credentials (Bedrock: the session token, from the config, the AWS_* variables or a
  // shared profile); see the descriptor for why the secret access key is not among them.
  descriptor.travellingSecrets?.(provider).forEach((secret, i) => {
    values[`credential${i}`] = secret;
  });
  return values;
}

function dialectOf(provider: ProviderRuntime, model: string): UpstreamDialect {
  return provider.descriptor.dialectFor?.(model) ?? provider.descriptor.dialect;
}

export function buildSnapshot(
  loaded: LoadedConfig,
  pools: UpstreamPools,
  revision: number | null = null,
): GatewaySnapshot {
  const { config } = loaded;
  const providers = new Map<string, ProviderRuntime>();
  const poolSettings: PoolSettings[] = [];
  config.providers.forEach((provider, index) => {
    const { runtime, settings } = buildProvider(provider, index, loaded, pools);
    providers.set(provider.name, runtime);
    poolSettings.push(...settings);
  });

  const models = new Map<string, ModelRoute>();
  const targetIndex = new Map<string, { target: RouteTarget; models: string[] }>();
  for (const model of config.models) {
    const targets: RouteTarget[] = model.targets.map((target) => ({
      id: `${target.provider}/${target.model}`,
      provider: providers.get(target.provider) as ProviderRuntime,
      model: target.model,
      weight: target.weight,
      dialect: dialectOf(providers.get(target.provider) as ProviderRuntime, target.model),
    }));
    for (const target of targets) {
      const entry = targetIndex.get(target.id);
      if (entry) entry.models.push(model.name);
      else targetIndex.set(target.id, { target, models: [model.name] });
    }
    models.set(model.name, {
      name: model.name,
      strategy: model.strategy,
      targets,
      fallbackOn: new Set<ErrorClass>(model.fallback_on),
    });
  }

  const created = Math.floor(Date.now() / 1000);
  const modelListBody = JSON.stringify({
    object: 'list',
    data: config.models.map((model) => ({ id: model.name, object: 'model', created, owned_by: 'ai-model-gateway' })),
  });
  return { revision, loaded, config, providers, models, targets: targetIndex, modelListBody, poolSettings };
}
