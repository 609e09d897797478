import { type LookupAddress, type LookupAllOptions, lookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isPrivateAddress } from './private-address.js';

export class PrivateAddressError extends Error {
  readonly code = 'EGATEWAY_PRIVATE_ADDRESS';
  constructor(hostname: string, address: string) {
    super(
      `refusing to connect to ${hostname}: it resolves to the private address ${address} (allow_private_network is false)`,
    );
    this.name = 'PrivateAddressError';
  }
}

/**
 * A DNS lookup for upstream sockets that refuses private, loopback and link-local answers. Checking at connect
 * time (not only when the config is validated) defeats DNS rebinding; refusing when any answer is private
 * defeats round-robin tricks.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  const all: LookupAllOptions = { ...options, all: true };
  lookup(hostname, all, (error, addresses: LookupAddress[]) => {
    if (error) {
      callback(error, '', 0);
      return;
    }
    const blocked = addresses.find((entry) => isPrivateAddress(entry.address));
    if (blocked) {
      callback(new PrivateAddressError(hostname, blocked.address) as NodeJS.ErrnoException, '', 0);
      return;
    }
    if (options.all) {
      (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, addresses);
      return;
    }
    const first = addresses[0];
    if (!first) {
      callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      return;
    }
    callback(null, first.address, first.family);
  });
};
