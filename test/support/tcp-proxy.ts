import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy to a real server that a test can cut (every connection dropped, nothing accepted) and restore
 * on the same port: how a network partition looks to a client, without stopping the server itself.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** The client side of each connection, whose reading stall() stops. */
  private readonly clients = new Set<Socket>();
  port = 0;

  private constructor(
    private readonly target: URL,
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(target: string): Promise<TcpProxy> {
    const url = new URL(target);
    const proxy = new TcpProxy(url, url.hostname, Number(url.port || 6379));
    await proxy.restore();
    return proxy;
  }

  /** The target's URL (scheme, credentials, db number kept) pointed at the proxy. */
  get url(): string {
    const url = new URL(this.target);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  /** Accepts connections again, on the port it had (a fresh port the first time). */
  restore(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      this.clients.add(client);
      client.on('close', () => this.clients.delete(client));
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        const address = server.address();
        if (address && typeof address === 'object') this.port = address.port;
        resolve();
      });
    });
  }

  /**
   * Stops passing on what clients send, connections kept open: how a hung server (DEBUG SLEEP, CLIENT PAUSE)
   * looks to a client. resume() passes on what was held back.
   */
  stall(): void {
    for (const client of this.clients) client.unpipe();
  }

  resume(): void {
    for (const client of this.clients) {
      const upstream = [...this.sockets].find((socket) => socket !== client && !this.clients.has(socket));
      if (upstream) client.pipe(upstream);
    }
  }

  /** Drops every connection and stops accepting new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
