import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { ADMIN_BODY_LIMIT } from '../admin/admin-api.js';
import type { DataPlane } from '../api/data-plane.js';
import type { ConnectionLimits } from '../config/schema.js';
import { errors } from '../errors/codes.js';
import { limitConnections, serverOptions } from './connection-limits.js';
import { parseListenAddress, urlFor } from './listen-address.js';
import type { ClientError } from './parser-errors.js';
import { schemaCompilersOnFirstUse } from './schema-compilers.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Answers `Expect: 100-continue` itself: Node would invite every body; the data plane refuses one whose
 * declared size is over the limit before it is sent (the handler then answers 413 from the header alone).
 */
function withContinueCheck(server: Server, dataPlane: DataPlane, handler: Handler): Server {
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (dataPlane.acceptsBody(req)) res.writeContinue();
    handler(req, res);
  });
  return server;
}

export interface Servers {
  app: FastifyInstance;
  url: string;
  adminUrl: string;
  /** Stops accepting connections; resolves when every connection has closed. */
  close(): Promise<void>;
  /** Drops every remaining connection (after the drain, or when the grace period ran out). */
  closeAllConnections(): void;
}

/** Starts the data plane and the admin app: on one port, or on two when `admin_listen` is set. */
export async function startServers(
  dataPlane: DataPlane,
  registerAdmin: (app: FastifyInstance) => Promise<void>,
  listen: string,
  adminListen: string | undefined,
  limits: ConnectionLimits,
  /** /healthz and /readyz, answered on every listener before anything else sees the request. */
  probes: (req: IncomingMessage, res: ServerResponse) => boolean = () => false,
): Promise<Servers> {
  const create = (handler: Handler) =>
    limitConnections(withContinueCheck(createServer(serverOptions(limits), handler), dataPlane, handler), limits);
  const combined = adminListen === undefined;
  let dataServer: Server | undefined;
  // Parser errors (a malformed request line, 431 headers, broken chunked framing) get the data plane's JSON error
  // shape and a telemetry record, on the admin listener too, instead of Fastify's or Node's own answer.
  const onClientError = (error: ClientError, socket: Socket) => dataPlane.answerParserError(error, socket);
  const app = Fastify({
    logger: false,
    bodyLimit: ADMIN_BODY_LIMIT,
    schemaController: schemaCompilersOnFirstUse,
    clientErrorHandler: onClientError,
    serverFactory: (fastifyHandler: Handler) => {
      const handler: Handler = combined
        ? (req, res) => {
            if (!dataPlane.handle(req, res) && !probes(req, res)) fastifyHandler(req, res);
          }
        : (req, res) => {
            if (!probes(req, res)) fastifyHandler(req, res);
          };
      return create(handler);
    },
  });
  app.setNotFoundHandler((request, reply) => {
    reply.hijack();
    const path = withoutQuery(request.url);
    dataPlane.reject(request.raw, reply.raw, path, errors.routeNotFound(request.method, path));
  });
  await registerAdmin(app);

  const main = parseListenAddress(adminListen ?? listen);
  await app.listen({ host: main.host, port: main.port });
  const appAddress = app.server.address() as AddressInfo;
  let url = urlFor(main.host, appAddress.port);
  const adminUrl = url;

  if (!combined) {
    const data = parseListenAddress(listen);
    const dataHandler: Handler = (req, res) => {
      // Load balancers check the port they send traffic to: liveness and readiness answer here too.
      if (probes(req, res)) return;
      if (!dataPlane.handle(req, res)) {
        const path = withoutQuery(req.url);
        dataPlane.reject(req, res, path, errors.routeNotFound(req.method ?? 'GET', path));
      }
    };
    dataServer = create(dataHandler);
    dataServer.on('clientError', onClientError);
    const server = dataServer;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(data.port, data.host, () => resolve());
    });
    url = urlFor(data.host, (server.address() as AddressInfo).port);
  }

  return {
    app,
    url,
    adminUrl,
    async close() {
      const closing: Promise<unknown>[] = [app.close()];
      if (dataServer) {
        const server = dataServer;
        closing.push(new Promise((resolve) => server.close(resolve)));
      }
      await Promise.all(closing);
    },
    closeAllConnections() {
      app.server.closeAllConnections();
      dataServer?.closeAllConnections();
    },
  };
}

/**
 * A URL's path without its query: a query may carry a credential (`?key=`, as Gemini clients send theirs), and
 * what names an unknown route (the 404, the request log, the access log) must not repeat it.
 */
function withoutQuery(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}
