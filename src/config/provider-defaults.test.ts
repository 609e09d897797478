import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfigTree } from './load-config.js';

function providerOf(provider: Record<string, unknown>, env: Record<string, string> = {}) {
  const loaded = validateConfigTree({ providers: [{ name: 'p', ...provider }] }, { env });
  return { provider: loaded.config.providers[0], loaded };
}

describe('provider presets and type defaults', () => {
  it('fill base_url, the key from its variable and the known quirks', () => {
    const { provider, loaded } = providerOf({ type: 'openai', preset: 'deepseek' }, { DEEPSEEK_API_KEY: 'sk-ds' });
    expect(provider).toMatchObject({
      base_url: 'https://api.deepseek.com/v1',
      api_key: 'sk-ds',
      send_reasoning_content: true,
    });
    expect(loaded.references.get('providers[0].api_key')).toEqual(['DEEPSEEK_API_KEY']);
    expect(providerOf({ type: 'openai', preset: 'mistral' }).provider?.tool_call_ids).toBe('mistral');
    expect(providerOf({ type: 'openai', preset: 'groq' }).provider?.base_url).toBe('https://api.groq.com/openai/v1');
  });

  it("address Vertex AI's regional host, or the global one (no region in it) also when a variable names global", () => {
    const vertex = (location: string, env: Record<string, string> = {}) =>
      providerOf({ type: 'vertex', vertex: { project: 'p', location, service_account_json: '{}' } }, env);
    expect(vertex('us-east5').provider?.base_url).toBe('https://us-east5-aiplatform.googleapis.com');
    expect(vertex('global').provider?.base_url).toBe('https://aiplatform.googleapis.com');
    const fromGlobal = vertex('${CLOUD_ML_REGION}', { CLOUD_ML_REGION: 'global' });
    expect(fromGlobal.provider?.base_url).toBe('https://aiplatform.googleapis.com');
    expect(fromGlobal.provider?.vertex?.location).toBe('global');
    const fromRegion = vertex('${CLOUD_ML_REGION}', { CLOUD_ML_REGION: 'europe-west1' });
    expect(fromRegion.provider?.base_url).toBe('https://europe-west1-aiplatform.googleapis.com');
    expect(fromRegion.loaded.references.get('providers[0].base_url')).toEqual(['CLOUD_ML_REGION']);
  });

  it('let explicit settings win', () => {
    const { provider } = providerOf(
      {
        type: 'openai',
        preset: 'deepseek',
        base_url: 'https://proxy.example.com/v1',
        api_key: 'explicit',
        send_reasoning_content: false,
      },
      { DEEPSEEK_API_KEY: 'from-env' },
    );
    expect(provider).toMatchObject({
      base_url: 'https://proxy.example.com/v1',
      api_key: 'explicit',
      send_reasoning_content: false,
    });
  });

  it('leave a preset key empty when its variable is unset, and allow loopback for local servers', () => {
    const { provider } = providerOf({ type: 'openai', preset: 'ollama' });
    expect(provider).toMatchObject({ base_url: 'http://127.0.0.1:11434/v1', api_key: '', allow_private_network: true });
    expect(providerOf({ type: 'openai', preset: 'groq' }).provider?.api_key).toBe('');
  });

  it('refuse a preset on another type', () => {
    expect(() => providerOf({ type: 'anthropic', preset: 'groq', base_url: 'https://api.anthropic.com' })).toThrow(
      /providers\[0\]\.preset: presets are for type: openai/,
    );
  });

  it('leave the tree as written untouched', () => {
    const raw = { providers: [{ name: 'p', type: 'openai', preset: 'xai' }] };
    const loaded = validateConfigTree(raw, { env: {} });
    expect(loaded.raw).toEqual({ providers: [{ name: 'p', type: 'openai', preset: 'xai' }] });
  });

  it('refuse a token endpoint on loopback unless private networks are allowed', () => {
    const entra = { tenant_id: 't', client_id: 'c', client_secret: 's', token_url: 'http://127.0.0.1:9/token' };
    expect(() => providerOf({ type: 'azure-openai', base_url: 'https://x.openai.azure.com', entra })).toThrow(
      /providers\[0\]\.entra\.token_url: 127\.0\.0\.1 is a loopback/,
    );
  });

  it('read the Azure key from AZURE_OPENAI_API_KEY when none is written', () => {
    const { provider } = providerOf(
      { type: 'azure-openai', base_url: 'https://x.openai.azure.com' },
      { AZURE_OPENAI_API_KEY: 'az-key' },
    );
    expect(provider?.api_key).toBe('az-key');
  });
});

describe("cloud defaults from the environment, in the order of the clouds' own SDKs", () => {
  const dir = mkdtempSync(join(tmpdir(), 'amg-aws-'));
  const config = join(dir, 'config');
  const credentials = join(dir, 'credentials');
  writeFileSync(config, '[default]\nregion = eu-west-3\n\n[profile prod]\nregion = ap-south-1\n');
  writeFileSync(credentials, '[prod]\naws_access_key_id = AKIAPROD\naws_secret_access_key = prod-secret\n');
  const files = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
  const none = { AWS_CONFIG_FILE: join(dir, 'absent'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'absent') };
  const bedrock = (aws: Record<string, unknown> | undefined, env: Record<string, string>) =>
    providerOf({ type: 'bedrock', ...(aws ? { aws } : {}) }, env);

  it('take the Bedrock region from AWS_REGION, then AWS_DEFAULT_REGION, then the profile; the config wins', () => {
    const region = (aws: Record<string, unknown> | undefined, env: Record<string, string>) =>
      bedrock(aws, env).provider?.base_url;
    expect(region(undefined, { ...files, AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-north-1' })).toBe(
      'https://bedrock-runtime.us-west-2.amazonaws.com',
    );
    expect(region(undefined, { ...files, AWS_DEFAULT_REGION: 'eu-north-1' })).toBe(
      'https://bedrock-runtime.eu-north-1.amazonaws.com',
    );
    expect(region(undefined, files)).toBe('https://bedrock-runtime.eu-west-3.amazonaws.com');
    expect(region(undefined, { ...files, AWS_PROFILE: 'prod' })).toBe(
      'https://bedrock-runtime.ap-south-1.amazonaws.com',
    );
    expect(region({ profile: 'prod' }, files)).toBe('https://bedrock-runtime.ap-south-1.amazonaws.com');
    expect(region({ region: 'ca-central-1' }, { ...files, AWS_REGION: 'us-west-2' })).toBe(
      'https://bedrock-runtime.ca-central-1.amazonaws.com',
    );
    expect(
      bedrock(undefined, { ...files, AWS_REGION: 'us-west-2' }).loaded.references.get('providers[0].base_url'),
    ).toEqual(['AWS_REGION']);
  });

  it('prefer the credentials file to the config file for the region, as the JavaScript SDK does', () => {
    const both = join(dir, 'credentials-with-region');
    writeFileSync(both, '[default]\nregion = sa-east-1\n');
    expect(bedrock(undefined, { ...files, AWS_SHARED_CREDENTIALS_FILE: both }).provider?.base_url).toBe(
      'https://bedrock-runtime.sa-east-1.amazonaws.com',
    );
  });

  it('name every place a region is read from when none has one', () => {
    expect(() => bedrock(undefined, none)).toThrow(
      'providers[0].aws.region: no AWS region: set aws.region (or base_url), AWS_REGION or AWS_DEFAULT_REGION, or region in profile "default" of ~/.aws/config (AWS_CONFIG_FILE)',
    );
    expect(
      providerOf({ type: 'bedrock', base_url: 'https://vpce.bedrock-runtime.eu-west-1.vpce.amazonaws.com' }, none)
        .provider?.aws?.region,
    ).toBeUndefined();
  });

  it('sign with the AWS_PROFILE profile instead of the AWS_* keys, as the AWS SDK does', () => {
    const env = { ...files, AWS_PROFILE: 'prod', AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env-secret' };
    expect(bedrock(undefined, env).provider?.aws).toMatchObject({ profile: 'prod', credentials_file: credentials });
    expect(bedrock(undefined, env).provider?.aws?.access_key_id).toBeUndefined();
    const keys = { ...files, AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env-secret' };
    expect(bedrock(undefined, keys).provider?.aws).toMatchObject({ access_key_id: 'AKIAENV', profile: 'default' });
  });

  it('read the Gemini key from GOOGLE_API_KEY, else GEMINI_API_KEY, as @google/genai does', () => {
    const gemini = (env: Record<string, string>) => providerOf({ type: 'gemini' }, env);
    expect(gemini({ GOOGLE_API_KEY: 'g-key', GEMINI_API_KEY: 'gm-key' }).provider?.api_key).toBe('g-key');
    expect(gemini({ GOOGLE_API_KEY: '  ', GEMINI_API_KEY: 'gm-key' }).provider?.api_key).toBe('gm-key');
    const unset = gemini({});
    expect(unset.provider?.api_key).toBe('');
    expect(unset.loaded.references.get('providers[0].api_key')).toEqual(['GOOGLE_API_KEY', 'GEMINI_API_KEY']);
    expect(providerOf({ type: 'gemini', api_key: 'written' }, { GOOGLE_API_KEY: 'g-key' }).provider?.api_key).toBe(
      'written',
    );
  });
});
