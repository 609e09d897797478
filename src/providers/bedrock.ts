import type { ProviderConfig } from '../config/schema.js';
import { awsCredentialsOf, keysFromProfile, sharedCredentialsFile } from './auth/aws-credentials.js';
import { ProfileCredentials } from './auth/profile-credentials.js';
import { sigv4Authorizer } from './auth/sigv4-authorizer.js';
import type { ProviderDescriptor } from './provider-descriptor.js';

/** The region of a bedrock-runtime host, for a config that names none (a VPC endpoint names it in its host). */
function regionOf(config: ProviderConfig): string {
  if (config.aws?.region) return config.aws.region;
  return (
    /bedrock-runtime[.-](?:fips\.)?([a-z]{2}(?:-gov)?-[a-z]+-\d)\./.exec(new URL(config.base_url).hostname)?.[1] ??
    'us-east-1'
  );
}

function modelPath(model: string, action: string): string {
  return `/model/${encodeURIComponent(model)}/${action}`;
}

/**
 * Amazon Bedrock's Converse API: one request shape for every model, the model id (or inference profile /
 * ARN) in the path, ConverseStream in the AWS binary event stream. Authenticated with a Bedrock API key as a
 * bearer token, or SigV4 per request with keys from the config, the AWS_* variables or a shared profile.
 */
export const bedrockProvider: ProviderDescriptor = {
  type: 'bedrock',
  dialect: 'bedrock-converse',
  endpoints: { chat: '/converse' },
  staticHeaders: (apiKey): Record<string, string> => (apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
  chatPath: (model, stream) => modelPath(model, stream ? 'converse-stream' : 'converse'),
  noEmbeddings:
    'the gateway speaks Bedrock through the Converse API, which has no embeddings (Titan and Cohere embedding models answer only InvokeModel, with a body of their own per model); route embeddings to another provider',
  authorizer: (config, context) => {
    if (config.api_key) return undefined;
    const credentials = awsCredentialsOf(config);
    if (!credentials) return undefined;
    const keys =
      keysFromProfile(config) && config.aws?.profile
        ? new ProfileCredentials(
            sharedCredentialsFile(config),
            config.aws.profile,
            credentials,
            context.now,
            (read) => {
              if (read.sessionToken) context.travellingSecret('session_token', read.sessionToken);
            },
          )
        : credentials;
    return sigv4Authorizer(keys, new URL(config.base_url).host, regionOf(config), 'bedrock', context.now);
  },
  hasCredentials: (config) => Boolean(config.api_key) || awsCredentialsOf(config) !== undefined,
  // Of the AWS keys only the session token travels (X-Amz-Security-Token), so only it can be quoted back; the
  // secret access key never leaves the gateway (SigV4 sends an HMAC made with it). Read from the resolved
  // credentials, so a token from a shared profile is redacted like one from the config or the environment.
  travellingSecrets: (config) => {
    if (config.api_key) return [];
    const token = awsCredentialsOf(config)?.sessionToken;
    return token ? [token] : [];
  },
  streamFraming: 'aws-eventstream',
};
