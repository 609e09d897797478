import type { FastifyRequest } from 'fastify';

/** The peer address without the IPv4-mapped prefix Node gives on dual-stack sockets. */
function peerAddress(request: FastifyRequest): string {
  const address = request.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * What a request says about its client, believing X-Forwarded-* only when the connection comes from a proxy the
 * config names in `admin_ui.trusted_proxies` — anyone else could write those headers.
 */
export class ForwardedView {
  constructor(private readonly trusted: () => readonly string[]) {}

  fromTrustedProxy(request: FastifyRequest): boolean {
    const list = this.trusted();
    return list.length > 0 && list.includes(peerAddress(request));
  }

  /** The client's address: the nearest X-Forwarded-For hop that is not itself a trusted proxy. */
  clientAddress(request: FastifyRequest): string {
    if (!this.fromTrustedProxy(request)) return peerAddress(request);
    const hops = (header(request, 'x-forwarded-for') ?? '').split(',').map((hop) => hop.trim());
    const trusted = this.trusted();
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] as string;
      if (hop && !trusted.includes(hop)) return hop;
    }
    return peerAddress(request);
  }

  /** Whether the browser reached us over HTTPS (the gateway itself speaks plain HTTP behind a proxy). */
  isHttps(request: FastifyRequest): boolean {
    if (!this.fromTrustedProxy(request)) return false;
    return (header(request, 'x-forwarded-proto') ?? '').split(',')[0]?.trim().toLowerCase() === 'https';
  }
}
