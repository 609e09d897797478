import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ProviderConfig } from '../../config/schema.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/**
 * One profile's settings from an INI file of the AWS shared files ([name] or [profile name] sections, key = value
 * lines), names in lower case; undefined when the profile has no section.
 */
export function profileSection(text: string, profile: string): Record<string, string> | undefined {
  let section: string | undefined;
  let values: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      section = header[1];
      if (section === profile) values ??= {};
      continue;
    }
    const pair = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (pair && values && section === profile) values[(pair[1] as string).toLowerCase()] = pair[2] as string;
  }
  return values;
}

/** One profile's keys from an INI shared-credentials file. */
export function profileFromIni(text: string, profile: string): AwsCredentials | undefined {
  const values = profileSection(text, profile) ?? {};
  const accessKeyId = values.aws_access_key_id;
  const secretAccessKey = values.aws_secret_access_key;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, sessionToken: values.aws_session_token || undefined };
}

/** The shared credentials file a provider's profile is read from (config, else ~/.aws/credentials). */
export function sharedCredentialsFile(config: ProviderConfig): string {
  return config.aws?.credentials_file || join(homedir(), '.aws', 'credentials');
}

/** Whether a provider's keys come from a shared profile (rather than its config or the AWS_* variables). */
export function keysFromProfile(config: ProviderConfig): boolean {
  const aws = config.aws;
  return !(aws?.access_key_id && aws.secret_access_key) && Boolean(aws?.profile);
}

/**
 * The SigV4 credentials of a bedrock provider: the keys in its config (which default to the AWS_* variables,
 * see provider-defaults), else the named profile of the shared credentials file. The file is read when the
 * config is applied, never per request (see ProfileCredentials for how a rotated file is picked up).
 */
export function awsCredentialsOf(config: ProviderConfig): AwsCredentials | undefined {
  const aws = config.aws;
  if (aws?.access_key_id && aws.secret_access_key) {
    return {
      accessKeyId: aws.access_key_id,
      secretAccessKey: aws.secret_access_key,
      sessionToken: aws.session_token || undefined,
    };
  }
  if (!aws?.profile) return undefined;
  try {
    return profileFromIni(readFileSync(sharedCredentialsFile(config), 'utf8'), aws.profile);
  } catch {
    return undefined;
  }
}
