import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the upstream does with one request: writes its head and raw bytes, as a misbehaving service sends them. */
export type Script = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * An upstream that answers each request with the next queued script (a 500 when none is left), for wire-level
 * variants the protocol fakes do not produce: framing, byte order marks, unterminated events.
 */
export interface ScriptedUpstream {
  server: Server;
  origin: string;
  next: Script[];
  close(): Promise<void>;
}

export async function scriptedUpstream(): Promise<ScriptedUpstream> {
  const next: Script[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => void (next.shift() ?? ((_, r: ServerResponse) => r.writeHead(500).end()))(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    next,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** An SSE answer written as these pieces, one network write each (a few ms apart), then ended. */
export function sseAnswer(pieces: ReadonlyArray<string | Buffer>, options: { keepOpen?: boolean } = {}): Script {
  return async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const piece of pieces) {
      await new Promise<void>((resolve) => res.write(piece, () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (!options.keepOpen) res.end();
  };
}
