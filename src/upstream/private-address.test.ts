import { describe, expect, it } from 'vitest';
import { isPrivateAddress, isPrivateHost } from './private-address.js';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::127.0.0.1',
    '::7f00:1',
    '::a9fe:a9fe',
    '0:0:0:0:0:ffff:a00:1',
    '64:ff9b::7f00:1',
    '64:ff9b::169.254.169.254',
    '64:ff9b:1::1',
    '2002:7f00:1::1',
    '2002:a9fe:a9fe::',
    'fec0::1',
    '::ffff:0:7f00:1',
    '::ffff:0:169.254.169.254',
    '2001:0:7f00:1::',
    '2001:0:808:808:0:0:f5ff:fffe',
  ])('treats %s as private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '104.18.6.192',
    '2606:4700::6810:1',
    '64:ff9b::808:808',
    '2002:808:808::1',
    '::ffff:8.8.8.8',
    '2001:0:808:808::f7f7:f7f7',
  ])('treats %s as public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('treats localhost names as private hosts', () => {
    expect(isPrivateHost('localhost')).toBe(true);
    expect(isPrivateHost('api.localhost')).toBe(true);
    expect(isPrivateHost('[::1]')).toBe(true);
    expect(isPrivateHost('localhost.')).toBe(true);
    expect(isPrivateHost('[::7f00:1]')).toBe(true);
    expect(isPrivateHost('api.openai.com')).toBe(false);
  });
});
