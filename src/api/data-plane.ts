import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ClientDirectory, ClientIdentity } from '../auth/client-directory.js';
import { errors } from '../errors/codes.js';
import { type GatewayError, toGatewayError } from '../errors/gateway-error.js';
import { connectionAuthenticated } from '../server/connection-limits.js';
import type { GatewaySnapshot } from '../server/gateway-snapshot.js';
import { log } from '../server/log.js';
import { type ClientError, parserError, requestLineOf, writeRawResponse } from '../server/parser-errors.js';
import { RefusalSampler } from '../telemetry/refusal-sampler.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import { countTokens } from './anthropic/count-tokens.js';
import { messages } from './anthropic/messages.js';
import { chatCompletions } from './openai/chat-completions.js';
import { embeddings } from './openai/embeddings.js';
import { listModels, retrieveModel } from './openai/models.js';
import { responseResource } from './responses/response-resource.js';
import { responses } from './responses/responses.js';
import type { ClientDialect } from './shared/client-dialect.js';
import { ClientOutput } from './shared/client-output.js';
import { statusForDialect } from './shared/client-status.js';
import { clientToken } from './shared/client-token.js';
import type { EntryPointSpec } from './shared/entry-point.js';
import { errorBody } from './shared/error-body.js';
import { Exchange, type RequestServices } from './shared/exchange.js';
import { LARGE_BODY_BYTES, parseLargeBody } from './shared/large-body.js';
import { settleLimits } from './shared/limit-gate.js';
import { type BodyParts, joined, parseJsonObject, readBodyParts } from './shared/read-body.js';
import { sendError } from './shared/send-error.js';
import { sessionKey } from './shared/session-id.js';
import { SlotList } from './shared/slot-list.js';
import { discardUnreadBody } from './shared/unread-body.js';
import { unsupportedEndpoint } from './shared/unsupported-endpoint.js';

export interface DataPlaneDeps {
  snapshot(): GatewaySnapshot;
  clients: ClientDirectory;
  services: RequestServices;
  record(record: RequestRecord): void;
}

const ENTRY_POINTS = new Map<string, EntryPointSpec>([
  ['/v1/chat/completions', chatCompletions],
  ['/v1/messages', messages],
  ['/v1/messages/count_tokens', countTokens],
  ['/v1/responses', responses],
  ['/v1/embeddings', embeddings],
  ['/v1/models', listModels],
]);

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}

/**
 * The path with repeated and trailing slashes removed (`/v1//chat/completions/`), as clients configured with a
 * base URL ending in "/" send it. Only paths that match no entry point as sent pay for it.
 */
function normalizedPath(path: string): string {
  const single = path.includes('//') ? path.replace(/\/{2,}/g, '/') : path;
  return single.length > 1 && single.endsWith('/') ? single.slice(0, -1) : single;
}

interface ParsedRequest {
  body: Record<string, unknown> | undefined;
  raw: Buffer | undefined;
}

const NO_BODY: ParsedRequest = { body: undefined, raw: undefined };

/** A body's parts, parsed: a large body on a worker thread, so that it holds up no one. */
function parsedBody(parts: BodyParts): ParsedRequest | Promise<ParsedRequest> {
  if (parts.size >= LARGE_BODY_BYTES) return parseLargeBody(parts);
  const raw = joined(parts);
  return { body: parseJsonObject(raw), raw };
}

/** Statuses anyone can cause without a token: unknown paths, wrong methods, missing or bad tokens. */
const UNAUTHENTICATED_REFUSALS = new Set([401, 404, 405]);

/** The admin API's error shape, for a request of the admin app that broke mid-body. */
function adminShaped(error: GatewayError): string {
  return JSON.stringify({ error: { code: error.code, message: error.message } });
}

function dialectForPath(path: string): ClientDialect {
  return path.startsWith('/v1/messages') ? 'anthropic' : 'openai';
}

/**
 * The client-facing API (/v1/*) on plain node:http: a map lookup per request, then a short chain of named
 * steps (authenticate, read body, hand to the entry point), with one telemetry record per request.
 */
export class DataPlane {
  private inflight = 0;
  private draining = false;
  /**
   * The requests in flight: a shutdown past its grace period ends them cleanly, and a parser error in the middle
   * of a body answers for its request (found by its response, a walk of the few in flight). Each is deleted when
   * its request ends. Not a WeakMap left to drop entries itself: V8's scavenger treats the value slots of a
   * WeakMap in the old generation as roots, so every finished request's exchange, and all it references,
   * survived the next scavenge (~5% of what a request allocates, ~320 KB copied per scavenge at one connection;
   * 4× less without, issue 14). Not a Map either: see SlotList.
   */
  private readonly live = new SlotList<ClientOutput>();
  /**
   * Sockets already answered for a parser error. Answering closes them, and the client's end of a request cut
   * short then raises a second error (`HPE_INVALID_EOF_STATE`): the first answer, the one the client read, is
   * what the record keeps, and no second record is written.
   */
  private readonly parserAnswered = new WeakSet<Socket>();
  private idleWaiters: Array<() => void> = [];
  private readonly refusals = new RefusalSampler();

  constructor(private readonly deps: DataPlaneDeps) {}

  /** Serves the request when it is for the data plane; returns false to let the admin app have it. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const sent = pathOf(req.url);
    const path = ENTRY_POINTS.has(sent) ? sent : normalizedPath(sent);
    const method = req.method ?? 'GET';
    const known = ENTRY_POINTS.get(path);
    // A known path with its own method (nearly every request) costs one map lookup; anything else may be one of
    // OpenAI's stateful endpoints the gateway answers as unsupported (GET /v1/chat/completions lists stored ones).
    const spec =
      (known?.method === method ? known : undefined) ??
      unsupportedEndpoint(path, method) ??
      known ??
      (path.startsWith('/v1/models/') ? retrieveModel : undefined) ??
      responseResource(path, method);
    if (spec) {
      void this.serve(req, res, spec, path);
      return true;
    }
    if (path === '/v1' || path.startsWith('/v1/')) {
      this.reject(req, res, path, errors.routeNotFound(req.method ?? 'GET', path));
      return true;
    }
    return false;
  }

  /**
   * Whether to invite the body of a request that sent `Expect: 100-continue`: not when its declared length is
   * over the limit, so the client learns of the 413 without uploading a body that will be refused.
   */
  acceptsBody(req: IncomingMessage): boolean {
    const declared = Number(req.headers['content-length']);
    return !(declared > this.deps.snapshot().config.server.max_body_size);
  }

  /** Answers a request no route matched (also used by the admin app for unknown paths). */
  reject(req: IncomingMessage, res: ServerResponse, path: string, error: GatewayError): void {
    const exchange = new Exchange(
      'unknown',
      dialectForPath(path),
      req.method ?? 'GET',
      path,
      this.deps.snapshot(),
      this.deps.services,
    );
    const out = new ClientOutput(res, exchange);
    const settled = this.track(out);
    discardUnreadBody(req, exchange.snapshot.config.server.max_body_size, res);
    sendError(out, error);
    settled();
  }

  /**
   * Answers a request Node's HTTP parser refused (a malformed request line, 431 headers, broken chunked framing),
   * in the JSON error shape of the dialect the path names, and records it (entry point `unknown`, sampled like
   * other refusals of requests without a token). A request whose handler is already running (its body broke)
   * is answered and recorded as that request; one whose response has started is cut off.
   */
  answerParserError(failure: ClientError, socket: Socket): void {
    const error = parserError(failure);
    if (!error || socket.destroyed || this.parserAnswered.has(socket)) return;
    this.parserAnswered.add(socket);
    const res = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
    if (res) {
      const exchange = this.live.find((out) => out.res === res)?.exchange;
      if (res.headersSent) socket.destroy();
      else if (exchange) this.answerInFlight(exchange, socket, error);
      else writeRawResponse(socket, error.status, STATUS_CODES[error.status] ?? '', '', adminShaped(error));
      return;
    }
    const { method, path } = requestLineOf(failure.rawPacket);
    const exchange = new Exchange(
      'unknown',
      dialectForPath(path),
      method,
      path,
      this.deps.snapshot(),
      this.deps.services,
    );
    this.answerInFlight(exchange, socket, error);
    exchange.endedAt = performance.now();
    const record = exchange.toRecord();
    if (this.shouldRecord(record, socket.remoteAddress ?? '')) this.deps.record(record);
  }

  /** Writes the error straight on the socket (the parser has stopped, so no response object can) and closes it. */
  private answerInFlight(exchange: Exchange, socket: Socket, error: GatewayError): void {
    exchange.error = error;
    exchange.status = statusForDialect(error.status, exchange.dialect);
    exchange.parserFault = true;
    const headers = `x-request-id: ${exchange.id}\r\nx-gateway-error: ${error.code}\r\n`;
    const body = errorBody(exchange.dialect, error, exchange.id);
    writeRawResponse(socket, exchange.status, STATUS_CODES[exchange.status] ?? '', headers, body);
  }

  /** Refuses new requests and resolves once the in-flight ones have finished. */
  drain(): Promise<void> {
    this.draining = true;
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get inFlight(): number {
    return this.inflight;
  }

  /** True once shutdown began: new requests get 503 and readiness checks should fail. */
  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Cancels the upstream work of every request still in flight (the grace period ran out): streams end with
   * their dialect's error event and every record is still written, marked GW_ERR_SHUTTING_DOWN.
   */
  cutInFlight(): void {
    for (const out of this.live.snapshot()) out.exchange.cancel?.cancel('shutdown');
  }

  private async serve(req: IncomingMessage, res: ServerResponse, spec: EntryPointSpec, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    const exchange = new Exchange(
      spec.entryPoint,
      spec.dialectOf?.(req.headers) ?? spec.dialect,
      method,
      path,
      this.deps.snapshot(),
      this.deps.services,
    );
    exchange.clientHeaders = req.headers;
    const query = req.url?.indexOf('?') ?? -1;
    if (query !== -1) exchange.query = (req.url as string).slice(query + 1);
    const tracer = this.deps.services.tracer;
    if (tracer)
      exchange.trace = tracer.startRequest({
        method,
        path,
        route: spec.route ?? path,
        entryPoint: spec.entryPoint,
        headers: req.headers,
      });
    const out = new ClientOutput(res, exchange);
    const settled = this.track(out);
    try {
      if (this.draining) {
        res.setHeader('connection', 'close');
        throw errors.shuttingDown();
      }
      if (method !== spec.method && !(method === 'HEAD' && spec.method === 'GET')) {
        throw errors.methodNotAllowed(method, path, spec.method);
      }
      const authenticating = this.authenticate(req, exchange);
      if (authenticating) await authenticating;
      const sticky = exchange.snapshot.config.routing.sticky;
      if (sticky) {
        const session = req.headers[sticky.header];
        if (typeof session === 'string' && session) exchange.sessionId = sessionKey(sticky.header, session);
      }
      const { body, raw } =
        spec.method === 'POST' && spec.readsBody !== false ? await this.readJson(req, exchange) : NO_BODY;
      if (body !== undefined) exchange.trace?.content?.input(body);
      exchange.requestRaw = raw;
      if (raw !== undefined && exchange.access?.limited) {
        exchange.requestBody = body;
        exchange.requestBytes = raw.length;
      }
      await spec.handle(out, body, raw);
    } catch (error) {
      const gatewayError = toGatewayError(error);
      discardUnreadBody(req, exchange.snapshot.config.server.max_body_size, res);
      // A client that hung up mid-upload is no gateway fault: thousands of them must not flood the log.
      if (gatewayError.code === 'GW_ERR_INTERNAL' && !req.readableAborted) {
        log.error('request failed', { request_id: exchange.id, error: String((error as Error)?.stack ?? error) });
      }
      sendError(out, gatewayError);
    } finally {
      settled();
    }
  }

  /**
   * Reads and parses the JSON body. A chained function rather than an async one: one promise per request
   * instead of an async function's promise, frame and await.
   */
  private readJson(req: IncomingMessage, exchange: Exchange): Promise<ParsedRequest> {
    return readBodyParts(req, exchange.snapshot.config.server.max_body_size).then(parsedBody);
  }

  /** Every request is recorded, except most refusals of requests without a valid token (see RefusalSampler). */
  private shouldRecord(record: RequestRecord, address: string): boolean {
    if (record.client !== null) return true;
    if (!UNAUTHENTICATED_REFUSALS.has(record.status) && record.entryPoint !== 'unknown') return true;
    const { record: admitted, suppressed } = this.refusals.admit(address, record.time);
    if (admitted && suppressed > 0) {
      record.errorMessage = `${record.errorMessage ?? ''} (${suppressed} similar refusals not recorded)`;
    }
    return admitted;
  }

  /**
   * A token the directory holds in memory is checked synchronously (no promise per request); only a lookup in
   * the store returns one.
   */
  private authenticate(req: IncomingMessage, exchange: Exchange): Promise<void> | undefined {
    const token = clientToken(req.headers, exchange.dialect);
    if (!token) throw errors.missingToken();
    const found = this.deps.clients.authenticate(token);
    if (found instanceof Promise) return found.then((identity) => this.admit(req, exchange, identity));
    this.admit(req, exchange, found);
    return undefined;
  }

  private admit(req: IncomingMessage, exchange: Exchange, identity: ClientIdentity | undefined): void {
    if (!identity) throw errors.invalidToken();
    connectionAuthenticated(req.socket);
    exchange.client = identity.name;
    exchange.clientScope = identity.keyId ?? `config:${identity.name}`;
    exchange.keyId = identity.keyId ?? null;
    exchange.clientTags = identity.tags ?? null;
    exchange.access = identity.access;
  }

  /**
   * Counts the request in flight until both its response has closed and its handler has returned; only then
   * is its record complete (a client that hangs up mid-routing must not cut off the attempts still being
   * made). Returns the function the handler calls when it is done.
   */
  private track(out: ClientOutput): () => void {
    this.inflight++;
    const exchange = out.exchange;
    this.live.add(out);
    let closed = false;
    let handled = false;
    const finish = () => {
      this.inflight--;
      this.live.delete(out);
      const record = exchange.toRecord();
      if (exchange.limitTicket) settleLimits(exchange.services.limits, exchange.limitTicket, record);
      exchange.trace?.end(record);
      if (this.shouldRecord(record, out.res.socket?.remoteAddress ?? '')) this.deps.record(record);
      if (this.inflight === 0 && this.idleWaiters.length > 0) {
        for (const resolve of this.idleWaiters.splice(0)) resolve();
      }
    };
    // `on`, not `once` (which wraps the listener in two objects): a response closes once.
    out.res.on('close', () => {
      closed = true;
      exchange.endedAt = performance.now();
      // A request the parser refused mid-body was answered on the socket; the response object never finished.
      // A response the gateway cut itself (its upstream body broke mid-relay) did not close because of the client,
      // nor did one whose client read the stream's final (error) event and left, as the SDKs do.
      if (!out.res.writableFinished && !exchange.parserFault && !exchange.responseCut && !exchange.finalEventSent) {
        exchange.clientClosed(out.res.headersSent);
      }
      if (handled) finish();
    });
    return () => {
      handled = true;
      if (closed) finish();
    };
  }
}
