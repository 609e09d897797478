import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

export interface SecretBoxOptions {
  /** Where the key came from (`AMG_MASTER_KEY`, a file), for error messages. */
  source?: string | undefined;
  /** Called after a value decrypted: the key is then known to be the one the store's secrets use. */
  onOpened?: (() => void) | undefined;
}

/**
 * AES-256-GCM for secret values in stored revisions: `enc:v1:<base64 of iv | ciphertext | tag>`, a fresh
 * random IV per value. GCM's tag makes a wrong key or an altered value fail loudly instead of decrypting to junk.
 */
export class SecretBox {
  constructor(
    private readonly key: Buffer,
    private readonly options: SecretBoxOptions = {},
  ) {
    if (key.length !== 32) throw new SecretError('the master key must be 32 bytes');
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
  }

  open(sealed: string): string {
    if (!isSealed(sealed)) throw new SecretError('not an encrypted value');
    const bytes = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretError('encrypted value is truncated');
    const iv = bytes.subarray(0, IV_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    let plaintext: string;
    try {
      plaintext = Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      const source = this.options.source ? ` (the key in use is from ${this.options.source})` : '';
      throw new SecretError(
        `cannot decrypt a secret: the master key differs from the one it was encrypted with${source}`,
      );
    }
    this.options.onOpened?.();
    return plaintext;
  }
}
