import type { ServerResponse } from 'node:http';
import type { Transform } from 'node:stream';
import { createBrotliCompress, createDeflate, createGzip, type Zlib } from 'node:zlib';
import { FakeServer, sleep } from './fake-server.js';
import { chunkScript, completion } from './openai-replies.js';

export type ContentEncoding = 'gzip' | 'deflate' | 'br';

function compressor(encoding: ContentEncoding): Transform & Zlib {
  if (encoding === 'gzip') return createGzip();
  if (encoding === 'deflate') return createDeflate();
  return createBrotliCompress();
}

/** Writes `frames` through a compressor, flushing after each one so the client can decode them as they come. */
async function writeCompressed(res: ServerResponse, encoding: ContentEncoding, frames: string[]): Promise<void> {
  const zip = compressor(encoding);
  zip.pipe(res);
  for (const frame of frames) {
    zip.write(frame);
    await new Promise<void>((resolve) => zip.flush(() => resolve()));
    await sleep(2);
  }
  zip.end();
}

/**
 * A fake OpenAI-compatible upstream that compresses every answer (JSON, SSE and error bodies) with
 * `content-encoding` although the gateway never sent `accept-encoding`, as some proxies in front of model
 * servers do. The upstream model name picks the encoding and the outcome: `gzip`, `deflate`, `br` answer;
 * `gzip-400` or `br-503` answer an OpenAI-shaped error with that status.
 */
export class CompressingUpstream {
  readonly server = new FakeServer((request, res) => this.handle(request.body as Record<string, unknown>, res));

  static async start(): Promise<CompressingUpstream> {
    const upstream = new CompressingUpstream();
    await upstream.server.listen();
    return upstream;
  }

  get baseUrl(): string {
    return `${this.server.origin}/v1`;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async handle(body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    const model = String(body.model);
    const [encoding, status] = model.split('-') as [ContentEncoding, string | undefined];
    const headers = { 'content-encoding': encoding };
    if (status) {
      const error = { error: { message: `compressed ${status} from upstream`, type: 'server_error', code: null } };
      res.writeHead(Number(status), { ...headers, 'content-type': 'application/json' });
      return writeCompressed(res, encoding, [JSON.stringify(error)]);
    }
    if (body.stream === true) {
      const options = body.stream_options as { include_usage?: boolean } | undefined;
      const chunks = chunkScript(model, { kind: 'reply', text: 'squeezed through' }, options?.include_usage === true);
      res.writeHead(200, { ...headers, 'content-type': 'text/event-stream' });
      const frames = [...chunks.map((chunk) => JSON.stringify(chunk)), '[DONE]'].map((data) => `data: ${data}\n\n`);
      return writeCompressed(res, encoding, frames);
    }
    res.writeHead(200, { ...headers, 'content-type': 'application/json' });
    const answer = completion(model, { kind: 'reply', text: 'squeezed', usage: { prompt: 11, completion: 4 } }, 'zip');
    return writeCompressed(res, encoding, [JSON.stringify(answer)]);
  }
}
