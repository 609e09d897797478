import type { EntryPoint } from '../../../src/telemetry/request-record.js';
import type { ToolCall, Usage } from './provider-scripts.js';

/** What one assistant turn handed the application, read through the official SDK. */
export interface TurnResult {
  text: string;
  toolCalls: ToolCall[];
  /** Reasoning text the application can show ('' when none reached it). */
  reasoning: string;
  /** The dialect's own finish value: Chat finish_reason, Anthropic stop_reason, Responses status (with the reason
   *  when incomplete, e.g. `incomplete:max_output_tokens`). */
  finish: string;
  /** Usage in IR terms (total input); `cacheWrite` only where the dialect has a field for it. */
  usage: Partial<Usage>;
}

/** The first user turn of a conversation. */
export interface Ask {
  model: string;
  prompt: string;
  /** A base64 PNG sent with the prompt. */
  image?: string;
  /** Offer the get_weather tool. */
  tools?: boolean;
  /** Ask for reasoning / thinking at a low effort (2048-token budget). */
  reasoning?: boolean;
  system?: string;
  maxTokens?: number;
  temperature?: number;
}

/** A conversation kept the way an application of that dialect keeps it (each reply appended to the history). */
export interface Conversation {
  send(stream: boolean): Promise<TurnResult>;
  /** The results of the last turn's tool calls, added the way the dialect groups them. */
  toolResults(results: ToolResult[]): void;
  user(text: string): void;
}

export interface ToolResult {
  callId: string;
  text: string;
}

/** An SDK error as the application sees it. */
export interface SdkError {
  /** The SDK's class name, e.g. BadRequestError (APIError for a failure inside a stream). */
  className: string;
  status: number | undefined;
  /** The dialect's error type, e.g. invalid_request_error or overloaded_error. */
  type: string | null | undefined;
  message: string;
}

export interface ClientDriver {
  readonly name: string;
  readonly entryPoint: EntryPoint;
  /** Whether a thinking signature survives a round trip through this dialect's client. */
  readonly carriesSignatures: boolean;
  /** Whether the dialect's usage has a field for cache writes. */
  readonly carriesCacheWrites: boolean;
  readonly finish: { end: string; toolUse: string };
  /** The dialect's error.type for a failed upstream (server side) and for an overloaded one. */
  readonly errorTypes: { server: string; overloaded: string };
  start(ask: Ask): Conversation;
  /** Awaits something that must fail and describes the SDK error it raised. */
  error(action: () => Promise<unknown>): Promise<SdkError>;
}

export const WEATHER_TOOL: {
  name: string;
  description: string;
  parameters: { type: 'object'; properties: Record<string, unknown>; required: string[] };
} = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
    required: ['city'],
  },
};

export const REASONING_BUDGET = 2048;

/** Runs `action` and returns what it threw; fails when it resolves. */
export async function thrownBy(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the SDK to raise, but the call succeeded');
}

/** An SDK's API error class: what the matrix compares of a failure. */
type ApiErrorClass = abstract new (
  ...args: never[]
) => Error & { status: number | undefined; type?: string | null | undefined };

/** Runs `action` and returns the SDK error it raised as the matrix compares it; anything else is rethrown. */
export async function sdkErrorOf(action: () => Promise<unknown>, errorClass: ApiErrorClass): Promise<SdkError> {
  const error = await thrownBy(action);
  if (!(error instanceof errorClass)) throw error;
  return { className: error.constructor.name, status: error.status, type: error.type, message: error.message };
}

export function dataUrl(png: string): string {
  return `data:image/png;base64,${png}`;
}

/** Usage as a client of this dialect should see it: everything, less what its dialect has no field for. */
export function usageSeenBy(driver: ClientDriver, usage: Usage): Partial<Usage> {
  const { cacheWrite, ...rest } = usage;
  return driver.carriesCacheWrites ? { ...rest, cacheWrite } : rest;
}
