import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../../config/env-expand.js';
import { profileSection } from './aws-credentials.js';

/** Where a Bedrock region was found: a variable (kept as a `${VAR}` reference) or a shared file's profile. */
export type RegionSource = { variable: string } | { region: string; file: string };

const nonBlank = (value: string | undefined) => value !== undefined && value.trim() !== '';

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The shared files the AWS SDKs read, by the variables that move them (credentials first: it wins for region). */
export function sharedFiles(env: Env, credentialsFile?: string): { credentials: string; config: string } {
  const home = nonBlank(env.HOME) ? (env.HOME as string) : homedir();
  return {
    credentials: nonBlank(credentialsFile)
      ? (credentialsFile as string)
      : nonBlank(env.AWS_SHARED_CREDENTIALS_FILE)
        ? (env.AWS_SHARED_CREDENTIALS_FILE as string)
        : join(home, '.aws', 'credentials'),
    config: nonBlank(env.AWS_CONFIG_FILE) ? (env.AWS_CONFIG_FILE as string) : join(home, '.aws', 'config'),
  };
}

/**
 * A Bedrock region for a config that names none, in the AWS CLI's order: AWS_REGION, AWS_DEFAULT_REGION, then
 * `region` of the profile in the shared files (the credentials file first, as the JavaScript SDK prefers it for
 * region, then the config file). The JavaScript SDK reads all of these but AWS_DEFAULT_REGION; the CLI and boto3
 * read it, and their users set it. Read when the config is applied, never per request.
 */
export function regionFromEnvironment(env: Env, profile: string, credentialsFile?: string): RegionSource | undefined {
  for (const variable of ['AWS_REGION', 'AWS_DEFAULT_REGION']) if (nonBlank(env[variable])) return { variable };
  const files = sharedFiles(env, credentialsFile);
  for (const file of [files.credentials, files.config]) {
    const text = readText(file);
    const region = text === undefined ? undefined : profileSection(text, profile)?.region?.trim();
    if (region) return { region, file };
  }
  return undefined;
}
