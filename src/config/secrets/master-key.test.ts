import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Keyring, parseMasterKey } from './master-key.js';

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
});
