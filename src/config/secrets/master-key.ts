import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { log } from '../../server/log.js';
import { SecretBox, SecretError } from './secret-box.js';

export const MASTER_KEY_FILE = 'master.key';

/** Reads a 32-byte key written as base64 or hex. */
export function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length !== 32) throw new SecretError(`${source} must hold 32 bytes as base64 or hex`);
  return bytes;
}

async function readKeyFile(path: string): Promise<Buffer> {
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) {
    log.warn('the master key file is readable by other users; chmod 600 it', { file: path });
  }
  return parseMasterKey(await readFile(path, 'utf8'), path);
}

/** Creates the key file with mode 0600; when another process created it first, reads theirs. */
async function createKeyFile(path: string): Promise<Buffer> {
  await mkdir(dirname(path), { recursive: true });
  const key = randomBytes(32);
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(`${key.toString('base64')}\n`);
    } finally {
      await handle.close();
    }
    log.info('created a master key for secrets in config revisions', { file: path });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(path);
    throw error;
  }
}

export interface KeyringOptions {
  /** AMG_MASTER_KEY, when set. */
  envKey: string | undefined;
  /** Directory for master.key (the data directory); undefined for an in-memory store. */
  dataDir: string | undefined;
}

/**
 * The master key, found on first need: AMG_MASTER_KEY, else <data dir>/master.key (created with mode 0600 on
 * first use). A store that lives only in memory gets a key that lives only as long as the process.
 */
export class Keyring {
  private box: Promise<SecretBox> | undefined;

  constructor(private readonly options: KeyringOptions) {}

  static forStorage(file: string, env: Readonly<Record<string, string | undefined>>): Keyring {
    return new Keyring({
      envKey: env.AMG_MASTER_KEY || undefined,
      dataDir: file === ':memory:' ? undefined : dirname(file),
    });
  }

  secretBox(): Promise<SecretBox> {
    this.box ??= this.load().then((key) => new SecretBox(key));
    this.box.catch(() => {
      this.box = undefined;
    });
    return this.box;
  }

  private async load(): Promise<Buffer> {
    if (this.options.envKey) return parseMasterKey(this.options.envKey, 'AMG_MASTER_KEY');
    if (!this.options.dataDir) return randomBytes(32);
    const path = join(this.options.dataDir, MASTER_KEY_FILE);
    try {
      return await readKeyFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return createKeyFile(path);
      throw error;
    }
  }
}
