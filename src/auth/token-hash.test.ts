import { describe, expect, it } from 'vitest';
import { bearerToken, hashToken } from './token-hash.js';

describe('hashToken', () => {
  it('is the SHA-256 hex digest of the token', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashToken('tökén')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken('tökén')).not.toBe(hashToken('token'));
  });
});

describe('bearerToken', () => {
  it('takes the token after the Bearer scheme, whatever its case', () => {
    expect(bearerToken('Bearer sk-1')).toBe('sk-1');
    expect(bearerToken('bearer sk-1')).toBe('sk-1');
    expect(bearerToken('BeArEr  sk-1 ')).toBe('sk-1');
  });

  it('refuses other schemes and a scheme without a token', () => {
    expect(bearerToken('Basic c2stMQ==')).toBeUndefined();
    expect(bearerToken('Bearers sk-1')).toBeUndefined();
    expect(bearerToken('Bearersk-1')).toBeUndefined();
    expect(bearerToken(' Bearer sk-1')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
