import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSealed, SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips a value and never contains it in clear', () => {
    const sealed = box.seal('sk-live-0123456789');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('sk-live');
    expect(box.open(sealed)).toBe('sk-live-0123456789');
  });

  it('uses a fresh IV, so the same secret encrypts differently each time', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a value encrypted under another key or altered after encryption', () => {
    const sealed = box.seal('secret');
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(/master key differs/);
    const bytes = Buffer.from(sealed.slice('enc:v1:'.length), 'base64');
    bytes[14] = (bytes[14] ?? 0) ^ 1;
    expect(() => box.open(`enc:v1:${bytes.toString('base64')}`)).toThrow(/cannot decrypt/);
  });
});
