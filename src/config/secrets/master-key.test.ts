import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY_ID_META, Keyring, parseMasterKey } from './master-key.js';

describe('the master key', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads AMG_MASTER_KEY as hex or base64 and refuses other lengths', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString('hex'), 'AMG_MASTER_KEY')).toEqual(key);
    expect(parseMasterKey(key.toString('base64'), 'AMG_MASTER_KEY')).toEqual(key);
    expect(() => parseMasterKey('c2hvcnQ=', 'AMG_MASTER_KEY')).toThrow(/32 bytes/);
  });

  it('creates master.key with mode 0600 on first need and reuses it after', async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-key-'));
    const sealed = (await Keyring.forStorage(join(dir, 'gateway.db'), {}).secretBox()).seal('value');
    const file = join(dir, 'master.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const again = await Keyring.forStorage(join(dir, 'gateway.db'), {}).secretBox();
    expect(again.open(sealed)).toBe('value');
  });

  it('prefers AMG_MASTER_KEY over the file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-key-'));
    const key = randomBytes(32).toString('hex');
    const box = await Keyring.forStorage(join(dir, 'gateway.db'), { AMG_MASTER_KEY: key }).secretBox();
    expect(box.open(box.seal('x'))).toBe('x');
    await expect(stat(join(dir, 'master.key'))).rejects.toThrow(/ENOENT/);
  });

  const metaStore = () => {
    const meta = new Map<string, string>();
    return {
      meta,
      getMeta: async (key: string) => meta.get(key),
      setMeta: async (key: string, value: string) => {
        meta.set(key, value);
      },
    };
  };

  it('records the key once it decrypted a secret, and refuses another key after that', async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-key-'));
    const store = metaStore();
    const right = randomBytes(32).toString('hex');
    const box = await Keyring.forStorage(join(dir, 'gateway.db'), { AMG_MASTER_KEY: right }, store).secretBox();
    const sealed = box.seal('value');
    expect(store.meta.has(KEY_ID_META)).toBe(false);
    expect(box.open(sealed)).toBe('value');
    await expect.poll(() => store.meta.has(KEY_ID_META)).toBe(true);

    const wrong = Keyring.forStorage(
      join(dir, 'gateway.db'),
      { AMG_MASTER_KEY: randomBytes(32).toString('hex') },
      store,
    );
    await expect(wrong.secretBox('open')).rejects.toThrow(/from AMG_MASTER_KEY .* is not the one this store's secrets/);
    await expect(wrong.secretBox('seal')).rejects.toThrow(/is not the one/);
  });

  it('never creates master.key to decrypt, nor when the store knows its key is missing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-key-'));
    const store = metaStore();
    await expect(Keyring.forStorage(join(dir, 'gateway.db'), {}, store).secretBox('open')).rejects.toThrow(
      /master\.key does not exist .* restore/,
    );
    store.meta.set(KEY_ID_META, '0123456789abcdef');
    await expect(Keyring.forStorage(join(dir, 'gateway.db'), {}, store).secretBox('seal')).rejects.toThrow(
      /id 0123456789abcdef/,
    );
    await expect(stat(join(dir, 'master.key'))).rejects.toThrow(/ENOENT/);
  });
});
