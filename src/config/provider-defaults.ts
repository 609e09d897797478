import { regionFromEnvironment } from '../providers/auth/aws-region.js';
import { PRESETS } from '../providers/presets.js';
import { type Env, expandString } from './env-expand.js';
import type { ConfigProblem } from './semantic-checks.js';

type Node = Record<string, unknown>;

const isObject = (value: unknown): value is Node =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The variables a provider type's key is read from when the config sets no api_key, first set first: Gemini's
 * as @google/genai reads them (GOOGLE_API_KEY wins when both are set).
 */
const KEY_ENV_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  'azure-openai': ['AZURE_OPENAI_API_KEY'],
  gemini: ['GOOGLE_API_KEY', 'GEMINI_API_KEY'],
  bedrock: ['AWS_BEARER_TOKEN_BEDROCK'],
};

const isSet = (env: Env, variable: string) => (env[variable] ?? '').trim() !== '';

/**
 * The default key of a type as references: the first of its variables that is set, or, when none is, all of them
 * as empty references (the value stays empty, and each is recorded, so "not configured" can name them all).
 */
function keyDefault(variables: readonly string[], env: Env): string {
  const set = variables.find((variable) => isSet(env, variable));
  return set ? `\${${set}}` : variables.map(optionalRef).join('');
}

/** An optional reference: an unset variable leaves the field empty instead of failing the config. */
const optionalRef = (variable: string) => `\${${variable}:-}`;

function setDefault(node: Node, key: string, value: unknown): void {
  if (node[key] === undefined) node[key] = value;
}

function presetDefaults(provider: Node): void {
  const preset = PRESETS[provider.preset as keyof typeof PRESETS];
  if (!preset) return;
  setDefault(provider, 'base_url', preset.baseUrl);
  setDefault(provider, 'api_key', optionalRef(preset.keyEnv));
  if (preset.privateNetwork) setDefault(provider, 'allow_private_network', true);
  for (const [key, value] of Object.entries(preset.settings ?? {})) setDefault(provider, key, value);
}

interface DefaultsContext {
  env: Env;
  index: number;
  problems: ConfigProblem[];
}

/** A raw config string as the environment expands it (a region or profile may be a `${VAR}` reference). */
const expanded = (value: unknown, env: Env) => (typeof value === 'string' ? expandString(value, env).value : undefined);

function bedrockDefaults(provider: Node, { env, index, problems }: DefaultsContext): void {
  const aws: Node = isObject(provider.aws) ? { ...provider.aws } : {};
  // As the AWS SDK's default chain: a profile (the config's or AWS_PROFILE) is used instead of the AWS_* keys;
  // without one the keys come first and the `default` profile of the shared files stands in for them.
  if (aws.profile === undefined && isSet(env, 'AWS_PROFILE')) aws.profile = '${AWS_PROFILE}';
  if (aws.profile === undefined) {
    setDefault(aws, 'access_key_id', optionalRef('AWS_ACCESS_KEY_ID'));
    setDefault(aws, 'secret_access_key', optionalRef('AWS_SECRET_ACCESS_KEY'));
    setDefault(aws, 'session_token', optionalRef('AWS_SESSION_TOKEN'));
    aws.profile = 'default';
  }
  setDefault(aws, 'credentials_file', optionalRef('AWS_SHARED_CREDENTIALS_FILE'));
  if (provider.base_url === undefined && aws.region === undefined) {
    const profile = expanded(aws.profile, env) ?? 'default';
    const found = regionFromEnvironment(env, profile, expanded(aws.credentials_file, env));
    if (found && 'variable' in found) aws.region = `\${${found.variable}}`;
    else if (found) aws.region = found.region;
    else {
      problems.push({
        path: `providers[${index}].aws.region`,
        message: `no AWS region: set aws.region (or base_url), AWS_REGION or AWS_DEFAULT_REGION, or region in profile "${profile}" of ~/.aws/config (AWS_CONFIG_FILE)`,
      });
      aws.region = 'us-east-1';
    }
  }
  // The URL names the region as written, so a region from a variable is tracked (and reported) as that variable.
  if (provider.base_url === undefined)
    provider.base_url = `https://bedrock-runtime.${String(aws.region)}.amazonaws.com`;
  provider.aws = aws;
}

function vertexDefaults(provider: Node, { env }: DefaultsContext): void {
  const vertex = isObject(provider.vertex) ? { ...provider.vertex } : undefined;
  if (!vertex) return;
  if (vertex.service_account_json === undefined) {
    setDefault(vertex, 'service_account_file', optionalRef('GOOGLE_APPLICATION_CREDENTIALS'));
  }
  const location = typeof vertex.location === 'string' ? vertex.location : 'us-central1';
  // The global endpoint has no region in its host. The location may be a reference (Claude Code's
  // `CLOUD_ML_REGION`, often `global`), so its value decides; a regional host names it as written.
  const host =
    expanded(location, env) === 'global' ? 'aiplatform.googleapis.com' : `${location}-aiplatform.googleapis.com`;
  setDefault(provider, 'base_url', `https://${host}`);
  provider.vertex = vertex;
}

const DEFAULTS_BY_TYPE: Readonly<Record<string, (provider: Node, context: DefaultsContext) => void>> = {
  openai: presetDefaults,
  gemini: (provider) => setDefault(provider, 'base_url', 'https://generativelanguage.googleapis.com/v1beta'),
  bedrock: bedrockDefaults,
  vertex: vertexDefaults,
};

/**
 * The config tree with each provider's type and preset defaults filled in where the user wrote nothing: base
 * URLs, and keys and credentials as optional `${VAR:-}` references to the variables the providers' own SDKs
 * read. Applied before `${VAR}` expansion, so those values are tracked and masked like written references;
 * the tree as written (what revisions store and export shows) is left unchanged. A default that cannot be found
 * anywhere (a Bedrock region) is a problem at the field that would have held it.
 */
export function withProviderDefaults(raw: unknown, env: Env): { tree: unknown; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  if (!isObject(raw) || !Array.isArray(raw.providers)) return { tree: raw, problems };
  const providers = raw.providers.map((item: unknown, index: number) => {
    if (!isObject(item)) return item;
    const provider = { ...item };
    DEFAULTS_BY_TYPE[String(provider.type)]?.(provider, { env, index, problems });
    const keyEnv = KEY_ENV_BY_TYPE[String(provider.type)];
    if (keyEnv && provider.entra === undefined) setDefault(provider, 'api_key', keyDefault(keyEnv, env));
    return provider;
  });
  return { tree: { ...raw, providers }, problems };
}
