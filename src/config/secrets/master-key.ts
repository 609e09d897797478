import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { log } from '../../server/log.js';
import { SecretBox, SecretError } from './secret-box.js';

export const MASTER_KEY_FILE = 'master.key';
/** The store meta key that remembers which master key the store's secrets are encrypted with. */
export const KEY_ID_META = 'secrets.master_key_id';

/** Reads a 32-byte key written as base64 or hex. */
export function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length !== 32) throw new SecretError(`${source} must hold 32 bytes as base64 or hex`);
  return bytes;
}

/** A short public name for a key (a hash of it), so that a wrong key can be told apart from the right one. */
export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update('amg master key id\n').update(key).digest('hex').slice(0, 16);
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

/** Where the store remembers the id of its master key (the store's meta table). */
export interface KeyIdRecord {
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
}

export interface KeyringOptions {
  /** AMG_MASTER_KEY, when set. */
  envKey: string | undefined;
  /** Directory for master.key (the data directory); undefined for an in-memory store. */
  dataDir: string | undefined;
  /** The store, to check that the key is the one its secrets were encrypted with. */
  keyIds?: KeyIdRecord | undefined;
}

/** `seal` may create the key file (there is nothing to decrypt yet); `open` never does. */
export type KeyUse = 'seal' | 'open';

/**
 * The master key, found on first need: AMG_MASTER_KEY, else <data dir>/master.key (created with mode 0600 when
 * the first literal secret is sealed). The store records the id of the key that decrypted its secrets, so a
 * different key, or a missing master.key, is refused with a message that says so, instead of a new key being
 * made that can never decrypt them. A store that lives only in memory gets a key that lives as long as the process.
 */
export class Keyring {
  private box: Promise<SecretBox> | undefined;
  private recorded: Promise<void> | undefined;

  constructor(private readonly options: KeyringOptions) {}

  static forStorage(file: string, env: Readonly<Record<string, string | undefined>>, keyIds?: KeyIdRecord): Keyring {
    return new Keyring({
      envKey: env.AMG_MASTER_KEY || undefined,
      dataDir: file === ':memory:' ? undefined : dirname(file),
      keyIds,
    });
  }

  secretBox(use: KeyUse = 'seal'): Promise<SecretBox> {
    this.box ??= this.load(use);
    this.box.catch(() => {
      this.box = undefined;
    });
    return this.box;
  }

  /**
   * The box for checking a draft (validate, diff, preview, deciding a start): never creates master.key. Before
   * anything was sealed there is no key to find, and a key that lives only for the check does as well.
   */
  async checkBox(): Promise<SecretBox> {
    if (this.box) return this.box;
    const { envKey, dataDir } = this.options;
    if (envKey || !dataDir || existsSync(join(dataDir, MASTER_KEY_FILE))) return this.secretBox('seal');
    if ((await this.options.keyIds?.getMeta(KEY_ID_META)) !== undefined) return this.secretBox('open');
    return new SecretBox(randomBytes(32), { source: 'a check (no key file created)' });
  }

  private async load(use: KeyUse): Promise<SecretBox> {
    const recorded = await this.options.keyIds?.getMeta(KEY_ID_META);
    const { key, source } = await this.findKey(use, recorded);
    const id = masterKeyId(key);
    if (recorded !== undefined && recorded !== id) {
      throw new SecretError(
        `the master key from ${source} (id ${id}) is not the one this store's secrets are encrypted with (id ${recorded}); ` +
          `set AMG_MASTER_KEY to that key, or restore the ${MASTER_KEY_FILE} it came from`,
      );
    }
    const onOpened = recorded === undefined ? () => this.recordKeyId(id) : undefined;
    return new SecretBox(key, { source, onOpened });
  }

  private async findKey(use: KeyUse, recorded: string | undefined): Promise<{ key: Buffer; source: string }> {
    if (this.options.envKey) {
      return { key: parseMasterKey(this.options.envKey, 'AMG_MASTER_KEY'), source: 'AMG_MASTER_KEY' };
    }
    if (!this.options.dataDir) return { key: randomBytes(32), source: 'memory' };
    const path = join(this.options.dataDir, MASTER_KEY_FILE);
    try {
      return { key: await readKeyFile(path), source: path };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (use === 'open' || recorded !== undefined) {
      const which = recorded === undefined ? '' : ` (id ${recorded})`;
      throw new SecretError(
        `${path} does not exist and AMG_MASTER_KEY is not set, but this store holds secrets encrypted with a master key${which}: ` +
          `restore ${MASTER_KEY_FILE} from where you keep it, or set AMG_MASTER_KEY to that key`,
      );
    }
    return { key: await createKeyFile(path), source: path };
  }

  /** Remembers the key once it decrypted something: only then is it known to be the store's key. */
  private recordKeyId(id: string): void {
    const keyIds = this.options.keyIds;
    if (!keyIds || this.recorded) return;
    this.recorded = keyIds.setMeta(KEY_ID_META, id).catch((error: unknown) => {
      this.recorded = undefined;
      log.warn('could not record the master key id', { error: String(error) });
    });
  }
}
