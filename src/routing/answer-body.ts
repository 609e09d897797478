import type { ErrorClass } from '../telemetry/request-record.js';
import { readAhead, readEventStreamStart, readStreamStart } from '../upstream/read-ahead.js';
import { classifyError, classifyStatus, describeError } from './classify.js';
import { upstreamMessage } from './upstream-message.js';
import { type UpstreamReply, withoutBom } from './upstream-reply.js';

/** Answers up to this size are read whole before they are accepted; longer ones stream through as they come. */
export const READ_AHEAD_LIMIT = 1024 * 1024;
/** How much of a stream is held back while waiting for its first event. */
const STREAM_START_LIMIT = 64 * 1024;

const ERROR_KEY = Buffer.from('"error"');

/** Error types (OpenAI's and Anthropic's `error.type`) that say more than "the server failed". */
const CLASS_BY_TYPE: ReadonlyArray<[RegExp, ErrorClass]> = [
  [/rate_limit|quota/, 'rate_limit'],
  [/authentication|permission/, 'auth'],
  [/invalid_request|not_found/, 'client_error'],
];

/** Why an answer that arrived with a 2xx head is not one. */
export interface AnswerFault {
  errorClass: ErrorClass;
  detail: string;
  /**
   * The target served the request and the model's output was the fault (a malformed function call): retried
   * and fallen back from, but no sign the target is unwell, so its breaker and health take it as served.
   */
  targetServed?: true | undefined;
  /** The HTTP status an error document named (`error.code` / `error.status`), when it named one. */
  status?: number | undefined;
}

/** The HTTP status an error document names in `error.code` / `error.status` (OpenRouter's shape), if any. */
function namedStatus(fields: Record<string, unknown>): number | undefined {
  const status = typeof fields.code === 'number' ? fields.code : fields.status;
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : undefined;
}

function errorClassOf(fields: Record<string, unknown>, status: number | undefined): ErrorClass {
  if (status !== undefined) return classifyStatus(status);
  const type = typeof fields.type === 'string' ? fields.type : '';
  return CLASS_BY_TYPE.find(([pattern]) => pattern.test(type))?.[1] ?? 'server_error';
}

/**
 * The error a 2xx JSON document carries instead of a result (`{"error": {...}}` with status 200, as some
 * OpenAI-compatible servers and proxies send, or the first event of a stream that failed at once), or
 * undefined for a real answer. Its class comes from the HTTP status in `error.code` / `error.status`
 * (OpenRouter's shape), else from `error.type`, else it is a server error. Real answers cost one search. Takes
 * a body's bytes or a stream event's data as it was decoded.
 */
export function errorInAnswer(body: Buffer | string): AnswerFault | undefined {
  const mentionsError = typeof body === 'string' ? body.includes('"error"') : body.indexOf(ERROR_KEY) !== -1;
  if (!mentionsError) return undefined;
  const text = typeof body === 'string' ? body : body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const error = (parsed as { error?: unknown }).error;
  if (error === undefined || error === null || error === false) return undefined;
  const fields = typeof error === 'object' ? (error as Record<string, unknown>) : {};
  const status = namedStatus(fields);
  return {
    errorClass: errorClassOf(fields, status),
    detail: upstreamMessage(text) || 'the upstream answered 2xx with an error',
    ...(status === undefined ? {} : { status }),
  };
}

const isSpace = (byte: number | undefined) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * A fault when a 2xx body cannot be the JSON object every API the gateway relays answers with: an HTML page
 * from a proxy or captive portal, a truncated or plain-text body. Checked by its first and last bytes (a full
 * parse of a megabyte of embeddings would cost more than the answer is worth); such an answer is a server
 * error of the target, so another target can serve the request.
 */
export function notJsonAnswer(body: Buffer): AnswerFault | undefined {
  let first = 0;
  while (isSpace(body[first])) first++;
  let last = body.length - 1;
  while (last > first && isSpace(body[last])) last--;
  if (body[first] === 0x7b /* { */ && body[last] === 0x7d /* } */) return undefined;
  if (first >= body.length)
    return { errorClass: 'server_error', detail: 'the upstream answered 2xx with an empty body' };
  return {
    errorClass: 'server_error',
    detail: `the upstream answered 2xx with ${notJsonShape(body.toString('utf8', first, Math.min(body.length, first + 2_000)), body.length)}`,
  };
}

/**
 * What a body that is not a JSON answer is, for the client's error and the record: described by its shape and
 * size, never quoted. A 2xx body may be a model's answer (the user's data) in any shape, even plain text, and
 * bodies are never recorded.
 */
function notJsonShape(start: string, bytes: number): string {
  if (start.startsWith('{') || start.startsWith('[')) return `a truncated or malformed JSON body (${bytes} bytes)`;
  if (/^(data|event|id|retry):/.test(start)) return `an event stream where a JSON body was due (${bytes} bytes)`;
  if (start.startsWith('<')) return `an HTML or XML page where a JSON body was due (${bytes} bytes)`;
  return `a body that is not JSON (${bytes} bytes)`;
}

/** The same for the data of a stream's first event (`[DONE]` is the end of an empty stream, not a fault). */
function notJsonEvent(data: string): AnswerFault | undefined {
  const text = data.trim();
  if (text === '[DONE]' || (text.startsWith('{') && text.endsWith('}'))) return undefined;
  return {
    errorClass: 'server_error',
    detail: `the upstream's stream began with an event whose data is ${notJsonShape(text.slice(0, 2_000), Buffer.byteLength(data))}`,
  };
}

/** What reading an answer found: the reply, or a fault (with the reply when there is something to relay). */
export type ReadAnswer<R extends UpstreamReply> =
  | { kind: 'answer'; reply: R }
  | { kind: 'fault'; fault: AnswerFault; reply?: R | undefined }
  /** An error document that blames the request where a stream was due: the reply as the status it names. */
  | { kind: 'refused'; reply: R & { bytes: Buffer } };

function broken(error: unknown): { kind: 'fault'; fault: AnswerFault } {
  return {
    kind: 'fault',
    fault: { errorClass: classifyError(error), detail: `the answer body broke: ${describeError(error)}` },
  };
}

/** A failure the upstream's dialect reports inside a 2xx answer: a server error, so routing retries or falls back. */
function failedAnswer(reply: UpstreamReply, data: Buffer | string): AnswerFault | undefined {
  const detail = reply.failedAnswer?.(data);
  return detail === undefined ? undefined : { errorClass: 'server_error', detail, targetServed: true };
}

async function readWhole<R extends UpstreamReply>(reply: R): Promise<ReadAnswer<R>> {
  let read: Awaited<ReturnType<typeof readAhead>>;
  try {
    read = await readAhead(reply.body, READ_AHEAD_LIMIT);
  } catch (error) {
    return broken(error);
  }
  if (!read.complete) return { kind: 'answer', reply: { ...reply, body: read.body } };
  const bytes = withoutBom(read.bytes);
  const notJson = notJsonAnswer(bytes);
  if (notJson) return { kind: 'fault', fault: notJson };
  const answer = { ...reply, bytes };
  const fault = errorInAnswer(bytes) ?? failedAnswer(reply, bytes);
  if (!fault) return { kind: 'answer', reply: answer };
  // One that blames the request is that request's 4xx, as a stream's is (readStart): relayed with its 200, the
  // SDKs would take the error document for a result.
  if (fault.errorClass === 'client_error')
    return { kind: 'refused', reply: { ...answer, status: fault.status ?? 400 } };
  return { kind: 'fault', fault, reply: answer };
}

async function readStart<R extends UpstreamReply>(reply: R): Promise<ReadAnswer<R>> {
  let start: Awaited<ReturnType<typeof readStreamStart>>;
  try {
    start = await readStreamStart(reply.body, STREAM_START_LIMIT);
  } catch (error) {
    return broken(error);
  }
  const answer = { ...reply, head: start.head };
  if (!start.first) {
    if (!start.ended) return { kind: 'answer', reply: answer };
    // A JSON error document where the stream was due (`{"error": {...}}` with status 200, as proxies and some
    // compatible servers answer a stream request they fail): classed and said as the same answer unstreamed.
    const document = withoutBom(start.head);
    const fault = errorInAnswer(document) ?? {
      errorClass: 'connection',
      detail: 'the stream ended before its first event',
    };
    if (fault.errorClass !== 'client_error') return { kind: 'fault', fault };
    // One that blames the request (a server that validates after its 200) is that request's 4xx, as its error
    // status would have been: nothing came of the stream, and a client error is no fault of the target's.
    return { kind: 'refused', reply: { ...reply, status: fault.status ?? 400, bytes: document } };
  }
  const notJson = notJsonEvent(start.first.data);
  if (notJson) return { kind: 'fault', fault: notJson };
  const fault = errorInAnswer(start.first.data) ?? failedAnswer(reply, start.first.data);
  return fault ? { kind: 'fault', fault, reply: answer } : { kind: 'answer', reply: answer };
}

/** Bedrock's stream exceptions by class: a throttle falls back like a 429, a validation error is the client's. */
const CLASS_BY_EXCEPTION: Readonly<Record<string, ErrorClass>> = {
  throttlingException: 'rate_limit',
  serviceQuotaExceededException: 'rate_limit',
  validationException: 'client_error',
  accessDeniedException: 'auth',
  // The model took too long: a timeout, as the same exception mid-stream reads (timeout_error to Anthropic clients).
  modelTimeoutException: 'timeout',
};

/** An exception message as the first event of a binary event stream: an attempt that failed before it began. */
function exceptionFault(event: { event?: string | undefined; data: string }): AnswerFault | undefined {
  if (!event.event?.startsWith('exception:')) return undefined;
  const type = event.event.slice('exception:'.length);
  // The event stream names them in lower camel case (throttlingException); accept the HTTP spelling too.
  const key = type.charAt(0).toLowerCase() + type.slice(1);
  const message = upstreamMessage(event.data) || event.data.slice(0, 200);
  return {
    errorClass: CLASS_BY_EXCEPTION[key] ?? 'server_error',
    detail: `the stream began with ${type || 'an exception'}${message ? `: ${message}` : ''}`,
  };
}

async function readMessageStart<R extends UpstreamReply>(reply: R): Promise<ReadAnswer<R>> {
  let start: Awaited<ReturnType<typeof readEventStreamStart>>;
  try {
    start = await readEventStreamStart(reply.body, STREAM_START_LIMIT);
  } catch (error) {
    return broken(error);
  }
  const answer = { ...reply, head: start.head };
  if (!start.first) {
    if (!start.ended) return { kind: 'answer', reply: answer };
    return { kind: 'fault', fault: { errorClass: 'connection', detail: 'the stream ended before its first message' } };
  }
  const fault = exceptionFault(start.first);
  if (fault?.errorClass === 'client_error') return refusedByException(reply, start.first);
  return fault ? { kind: 'fault', fault, reply: answer } : { kind: 'answer', reply: answer };
}

/**
 * A validationException as the stream's first message blames the request, as an HTTP 400 ValidationException
 * does (a stream's JSON error document that blames the request is read so too, readStart): answered as that
 * 400, the exception named where Bedrock names an HTTP error's (`x-amzn-errortype`), not a 200 stream that
 * breaks at once.
 */
function refusedByException<R extends UpstreamReply>(
  reply: R,
  event: { event?: string | undefined; data: string },
): { kind: 'refused'; reply: R & { bytes: Buffer } } {
  const type = event.event?.slice('exception:'.length) ?? '';
  const exception = type.charAt(0).toUpperCase() + type.slice(1);
  const headers = { ...reply.headers, 'content-type': 'application/json', 'x-amzn-errortype': exception };
  return { kind: 'refused', reply: { ...reply, status: 400, headers, bytes: Buffer.from(event.data) } };
}

/**
 * Reads the start of a 2xx answer before the router accepts it, while nothing has reached the client: the
 * whole body of an answer relayed whole, the first event of a stream. A body that stalls or breaks by then,
 * or an error in disguise, is a failure of the attempt (retried or fallen back from), not a broken response.
 */
export function readAnswer<R extends UpstreamReply>(reply: R): Promise<ReadAnswer<R>> {
  if (reply.readAhead === 'first-event') return readStart(reply);
  return reply.readAhead === 'first-message' ? readMessageStart(reply) : readWhole(reply);
}
