import { PRESETS } from '../providers/presets.js';

type Node = Record<string, unknown>;

const isObject = (value: unknown): value is Node =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The variable a provider type's key is read from when the config sets no api_key. */
const KEY_ENV_BY_TYPE: Readonly<Record<string, string>> = {
  'azure-openai': 'AZURE_OPENAI_API_KEY',
  gemini: 'GEMINI_API_KEY',
  bedrock: 'AWS_BEARER_TOKEN_BEDROCK',
};

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

function bedrockDefaults(provider: Node): void {
  const aws: Node = isObject(provider.aws) ? { ...provider.aws } : {};
  // The standard AWS variables, each optional: a profile or a Bedrock API key may stand in for them.
  if (aws.profile !== undefined) setDefault(aws, 'credentials_file', optionalRef('AWS_SHARED_CREDENTIALS_FILE'));
  if (aws.profile === undefined) {
    setDefault(aws, 'access_key_id', optionalRef('AWS_ACCESS_KEY_ID'));
    setDefault(aws, 'secret_access_key', optionalRef('AWS_SECRET_ACCESS_KEY'));
    setDefault(aws, 'session_token', optionalRef('AWS_SESSION_TOKEN'));
  }
  if (provider.base_url === undefined) {
    // Without a region the URL names AWS_REGION, so a missing one is reported as that variable.
    setDefault(aws, 'region', '${AWS_REGION}');
    provider.base_url = `https://bedrock-runtime.${String(aws.region)}.amazonaws.com`;
  }
  provider.aws = aws;
}

function vertexDefaults(provider: Node): void {
  const vertex = isObject(provider.vertex) ? { ...provider.vertex } : undefined;
  if (!vertex) return;
  if (vertex.service_account_json === undefined) {
    setDefault(vertex, 'service_account_file', optionalRef('GOOGLE_APPLICATION_CREDENTIALS'));
  }
  const location = typeof vertex.location === 'string' ? vertex.location : 'us-central1';
  const host = location === 'global' ? 'aiplatform.googleapis.com' : `${location}-aiplatform.googleapis.com`;
  setDefault(provider, 'base_url', `https://${host}`);
  provider.vertex = vertex;
}

const DEFAULTS_BY_TYPE: Readonly<Record<string, (provider: Node) => void>> = {
  openai: presetDefaults,
  gemini: (provider) => setDefault(provider, 'base_url', 'https://generativelanguage.googleapis.com/v1beta'),
  bedrock: bedrockDefaults,
  vertex: vertexDefaults,
};

/**
 * The config tree with each provider's type and preset defaults filled in where the user wrote nothing: base
 * URLs, and keys and credentials as optional `${VAR:-}` references to the variables the providers' own SDKs
 * read. Applied before `${VAR}` expansion, so those values are tracked and masked like written references;
 * the tree as written (what revisions store and export shows) is left unchanged.
 */
export function withProviderDefaults(raw: unknown): unknown {
  if (!isObject(raw) || !Array.isArray(raw.providers)) return raw;
  const providers = raw.providers.map((item: unknown) => {
    if (!isObject(item)) return item;
    const provider = { ...item };
    DEFAULTS_BY_TYPE[String(provider.type)]?.(provider);
    const keyEnv = KEY_ENV_BY_TYPE[String(provider.type)];
    if (keyEnv && provider.entra === undefined) setDefault(provider, 'api_key', optionalRef(keyEnv));
    return provider;
  });
  return { ...raw, providers };
}
