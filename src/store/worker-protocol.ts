import type { Store } from './store.js';

export interface WorkerCall {
  id: number;
  method: keyof Store;
  args: unknown[];
}

export interface WorkerReply {
  id: number;
  result?: unknown;
  error?: { message: string; code?: string | undefined };
}
