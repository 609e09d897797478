import { tableEntryFor } from '../cost/price-lookup.js';
import { NONE, OTHER } from '../telemetry/metrics/label-values.js';
import { isPrivateHost } from '../upstream/private-address.js';
import type { GatewayConfig } from './schema.js';

export interface ConfigProblem {
  path: string;
  message: string;
}

function duplicates<T>(items: readonly T[], key: (item: T) => string, report: (index: number, name: string) => void) {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const name = key(item);
    if (seen.has(name)) report(index, name);
    seen.add(name);
  });
}

/**
 * The label values /metrics gives what the config does not name (`other`: a model a client made up; `none`: no
 * model or provider at all): a model or provider called so is counted together with them. A warning, not an error:
 * a config that applied before an upgrade must still apply after it, and only the metrics are ambiguous.
 */
const RESERVED_LABEL_VALUES: ReadonlySet<string> = new Set([OTHER, NONE]);

function reservedNames(items: ReadonlyArray<{ name: string }>, section: string, warnings: ConfigProblem[]) {
  items.forEach((item, index) => {
    if (RESERVED_LABEL_VALUES.has(item.name)) {
      warnings.push({
        path: `${section}[${index}].name`,
        message: `"${item.name}" is the label /metrics gives what the config does not name: its series are counted together with those; rename it to keep them apart`,
      });
    }
  });
}

function checkProviders(config: GatewayConfig, errors: ConfigProblem[]) {
  duplicates(
    config.providers,
    (p) => p.name,
    (i, name) => errors.push({ path: `providers[${i}].name`, message: `duplicate provider name "${name}"` }),
  );
  config.providers.forEach((provider, index) => {
    checkUpstreamUrl(provider.base_url, `providers[${index}].base_url`, provider, index, errors);
    if (provider.preset !== undefined && provider.type !== 'openai') {
      errors.push({ path: `providers[${index}].preset`, message: 'presets are for type: openai' });
    }
    // Token endpoints get the key's protection too: they receive client secrets and signed assertions.
    const tokenUrls: Array<[string | undefined, string]> = [
      [provider.entra?.token_url, 'entra.token_url'],
      [provider.vertex?.token_url, 'vertex.token_url'],
    ];
    for (const [url, field] of tokenUrls) {
      if (url !== undefined) checkUpstreamUrl(url, `providers[${index}].${field}`, provider, index, errors);
    }
  });
}

/** A URL the gateway sends credentials to: http(s), no embedded credentials, and public unless allowed. */
function checkUpstreamUrl(
  value: string,
  path: string,
  provider: GatewayConfig['providers'][number],
  index: number,
  errors: ConfigProblem[],
) {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    errors.push({ path, message: `"${value}" is not a URL` });
    return;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    errors.push({
      path,
      message: `unsupported scheme "${url.protocol}"; use https:// (or http:// on a private network)`,
    });
    return;
  }
  if (url.username || url.password) {
    errors.push({ path, message: 'credentials in the URL are not allowed; use api_key' });
  }
  if (path.endsWith('base_url') && (url.search || url.hash)) {
    errors.push({ path, message: 'base_url must not have a query or fragment' });
  }
  const host = url.hostname;
  if (!provider.allow_private_network) {
    if (isPrivateHost(host)) {
      errors.push({
        path,
        message: `${host} is a loopback/private address; set providers[${index}].allow_private_network: true to allow it`,
      });
    } else if (url.protocol === 'http:') {
      errors.push({
        path,
        message: `plain http:// would send the API key unencrypted; use https:// or set providers[${index}].allow_private_network: true for a host on your own network`,
      });
    }
  }
}

function checkModels(config: GatewayConfig, errors: ConfigProblem[]) {
  const providers = new Set(config.providers.map((p) => p.name));
  duplicates(
    config.models,
    (m) => m.name,
    (i, name) => errors.push({ path: `models[${i}].name`, message: `duplicate model name "${name}"` }),
  );
  errors.push(...unknownProviders(providers, config.models));
}

/** Targets naming a provider the config does not declare, at their exact paths. */
function unknownProviders(
  providers: ReadonlySet<string>,
  models: ReadonlyArray<{ targets: ReadonlyArray<{ provider: string | undefined }> }>,
): ConfigProblem[] {
  const found: ConfigProblem[] = [];
  const known = [...providers].map((p) => `"${p}"`).join(', ') || 'none are configured';
  models.forEach((model, m) => {
    model.targets.forEach((target, t) => {
      // A target without a string provider is the schema's to report.
      if (target.provider !== undefined && !providers.has(target.provider)) {
        found.push({
          path: `models[${m}].targets[${t}].provider`,
          message: `unknown provider "${target.provider}" (known: ${known})`,
        });
      }
    });
  });
  return found;
}

const listAt = (value: unknown, key: string): unknown[] => {
  const list = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return Array.isArray(list) ? list : [];
};
const stringAt = (value: unknown, key: string): string | undefined => {
  const field = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof field === 'string' ? field : undefined;
};

/**
 * The cross-reference checks that can still be made on a tree the schema refused, so one pass reports a typo'd
 * provider name together with the schema's problems. Only references whose both ends are plain strings are judged
 * (a provider whose name the schema refused is not "known", and is reported by the schema already).
 */
export function rawReferenceChecks(tree: unknown): ConfigProblem[] {
  const providers = new Set(listAt(tree, 'providers').flatMap((p) => stringAt(p, 'name') ?? []));
  const models = listAt(tree, 'models').map((model) => ({
    targets: listAt(model, 'targets').map((target) => ({ provider: stringAt(target, 'provider') })),
  }));
  return unknownProviders(providers, models);
}

function checkClients(config: GatewayConfig, errors: ConfigProblem[]) {
  duplicates(
    config.clients,
    (c) => c.name,
    (i, name) => errors.push({ path: `clients[${i}].name`, message: `duplicate client name "${name}"` }),
  );
  config.clients.forEach((client, index) => {
    const both = client.token !== undefined && client.token_sha256 !== undefined;
    const neither = client.token === undefined && client.token_sha256 === undefined;
    if (both || neither) {
      errors.push({ path: `clients[${index}]`, message: 'set exactly one of token or token_sha256' });
    }
  });
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

function collectWarnings(config: GatewayConfig): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  reservedNames(config.providers, 'providers', warnings);
  reservedNames(config.models, 'models', warnings);
  const used = new Set(config.models.flatMap((m) => m.targets.map((t) => t.provider)));
  config.providers.forEach((provider, index) => {
    if (!used.has(provider.name)) {
      warnings.push({ path: `providers[${index}]`, message: `provider "${provider.name}" is not used by any model` });
    }
    if (provider.allow_private_network) {
      const host = hostOf(provider.base_url);
      warnings.push({
        path: `providers[${index}].allow_private_network`,
        message:
          host !== undefined && isPrivateHost(host)
            ? `provider "${provider.name}" has its upstream on a private/loopback address (${host})`
            : `provider "${provider.name}" may connect to private/loopback addresses`,
      });
    }
  });
  config.providers.forEach((provider, index) => {
    for (const [model, price] of Object.entries(provider.pricing)) {
      if (price.same_as !== undefined && !tableEntryFor(provider, price.same_as)) {
        warnings.push({
          path: `providers[${index}].pricing.${model}.same_as`,
          message: `"${price.same_as}" is not in the shipped price table for the ${provider.type} provider: "${model}" stays unpriced`,
        });
      }
    }
  });
  config.clients.forEach((client, index) => {
    // Allowed (it is how a config client is switched off at a set time), but a typo in the year is worth a word.
    if (client.expires_at !== undefined && Date.parse(client.expires_at) <= Date.now()) {
      warnings.push({
        path: `clients[${index}].expires_at`,
        message: `client "${client.name}" expired at ${client.expires_at}: its token is refused`,
      });
    }
  });
  config.models.forEach((model, index) => {
    if (model.targets.length === 1) {
      warnings.push({
        path: `models[${index}].targets`,
        message: `model "${model.name}" has a single target and no fallback`,
      });
    }
    if (model.strategy !== 'weighted' && model.targets.length > 1) {
      model.targets.forEach((target, targetIndex) => {
        if (target.weight === 1) return;
        warnings.push({
          path: `models[${index}].targets[${targetIndex}].weight`,
          message: `weight ${target.weight} has no effect with strategy ${model.strategy} (only strategy weighted uses weights)`,
        });
      });
    }
  });
  return warnings;
}

/** Cross-reference checks the schema cannot express. */
export function semanticChecks(config: GatewayConfig): { errors: ConfigProblem[]; warnings: ConfigProblem[] } {
  const errors: ConfigProblem[] = [];
  checkProviders(config, errors);
  checkModels(config, errors);
  checkClients(config, errors);
  return { errors, warnings: collectWarnings(config) };
}
