import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionLimits } from '../config/schema.js';

/**
 * Options for `createServer`: Node checks the header and request timeouts on a timer, every 30 s by default,
 * which would let a slow client outlive a short timeout by that much.
 */
export function serverOptions(limits: ConnectionLimits): ServerOptions {
  const shortest = Math.min(limits.headers_timeout_ms, limits.request_timeout_ms);
  return { connectionsCheckingInterval: Math.max(50, Math.min(5_000, Math.floor(shortest / 4))) };
}

/** Releases a connection's place in its address's count; set while the connection is counted. */
const addressSlots = new WeakMap<Socket, () => void>();

/**
 * Takes a connection out of its address's count once it has carried a request with valid credentials: the
 * per-address limit is for unauthenticated traffic, and many legitimate clients can share one address (a NAT, an
 * office proxy, a Kubernetes node). The overall cap and the timeouts still apply to it.
 */
export function connectionAuthenticated(socket: Socket | null | undefined): void {
  if (!socket) return;
  const release = addressSlots.get(socket);
  if (release) release();
}

/**
 * Applies the connection limits to a server: a cap on open connections (Node refuses more at accept), one per
 * client address on connections that have not authenticated yet (counted on connect, a few map operations per
 * connection, nothing per request), the time a client may take to send headers and a whole request, and how
 * long an idle keep-alive socket is held.
 */
export function limitConnections(server: Server, limits: ConnectionLimits): Server {
  server.maxConnections = limits.max;
  server.headersTimeout = limits.headers_timeout_ms;
  server.requestTimeout = limits.request_timeout_ms;
  server.keepAliveTimeout = limits.keep_alive_timeout_ms;
  const perAddress = new Map<string, number>();
  server.on('connection', function countPerAddress(socket: Socket) {
    const address = socket.remoteAddress ?? '';
    const open = (perAddress.get(address) ?? 0) + 1;
    if (open > limits.max_per_address) {
      socket.destroy();
      return;
    }
    perAddress.set(address, open);
    const release = () => {
      addressSlots.delete(socket);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left === 0) perAddress.delete(address);
      else perAddress.set(address, left);
    };
    addressSlots.set(socket, release);
    socket.once('close', () => {
      if (addressSlots.has(socket)) release();
    });
  });
  return server;
}
