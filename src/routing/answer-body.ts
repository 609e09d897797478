import type { ErrorClass } from '../telemetry/request-record.js';
import { readAhead } from '../upstream/read-ahead.js';
import { classifyError, classifyStatus, describeError } from './classify.js';
import { upstreamMessage } from './upstream-message.js';
import type { UpstreamReply } from './upstream-reply.js';

/** Answers up to this size are read whole before they are accepted; longer ones stream through as they come. */
export const READ_AHEAD_LIMIT = 1024 * 1024;

const ERROR_KEY = Buffer.from('"error"');

/** Why an answer that arrived with a 2xx head is not one. */
export interface AnswerFault {
  errorClass: ErrorClass;
  detail: string;
}

/**
 * The error a 2xx JSON answer carries instead of a result (`{"error": {...}}` with status 200, as some
 * OpenAI-compatible servers and proxies send), or undefined for a real answer. Its class comes from the HTTP
 * status in `error.code` / `error.status` when there is one (OpenRouter's shape), else it is a server error.
 * A literal `"error"` token is the only cost for real answers: one byte search.
 */
export function errorInAnswer(body: Buffer): AnswerFault | undefined {
  if (body.indexOf(ERROR_KEY) === -1) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const error = (parsed as { error?: unknown }).error;
  if (error === undefined || error === null || error === false) return undefined;
  const fields = typeof error === 'object' ? (error as { code?: unknown; status?: unknown }) : {};
  const status = typeof fields.code === 'number' ? fields.code : fields.status;
  const detail = upstreamMessage(body) || 'the upstream answered 2xx with an error';
  if (typeof status !== 'number' || status < 400 || status > 599) return { errorClass: 'server_error', detail };
  return { errorClass: classifyStatus(status), detail };
}

/** What reading an answer found: the reply with its bytes, or a fault (with the reply when its body arrived). */
export type ReadAnswer<R extends UpstreamReply> =
  | { kind: 'answer'; reply: R }
  | { kind: 'fault'; fault: AnswerFault; reply?: R | undefined };

/**
 * Reads a 2xx answer that is relayed whole, before the router accepts it: nothing has reached the client
 * yet, so a body that stalls or breaks, or one that is an error in disguise, is a failure of the attempt
 * (retried or fallen back from) rather than a broken response.
 */
export async function readAnswer<R extends UpstreamReply>(reply: R): Promise<ReadAnswer<R>> {
  let read: Awaited<ReturnType<typeof readAhead>>;
  try {
    read = await readAhead(reply.body, READ_AHEAD_LIMIT);
  } catch (error) {
    const fault = { errorClass: classifyError(error), detail: `the answer body broke: ${describeError(error)}` };
    return { kind: 'fault', fault };
  }
  if (!read.complete) return { kind: 'answer', reply: { ...reply, body: read.body } };
  const answer = { ...reply, bytes: read.bytes };
  const fault = errorInAnswer(read.bytes);
  return fault ? { kind: 'fault', fault, reply: answer } : { kind: 'answer', reply: answer };
}
