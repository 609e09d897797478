// node bench/stream-chain-work.mjs <streams> (after npm run build): the streamed codec chain of an OpenAI client on
// Bedrock (UPSTREAM=gemini: on Gemini), as relayTranslatedStream runs it on the bench's canned stream
// (bench/cloud-replies.mjs): the first message or event as routing's read-ahead hands it over, then the rest in one
// network read (as the fake's writes arrive, see docs/benchmark.md), framed (event stream or SSE), decoded to IR
// and encoded as chat.completion.chunk events, each read's events made one Buffer. 5,000 streams to warm up, then
// `streams` more. Counted under callgrind at 0 and at N, the difference (less V8's optimising compiler) is
// instructions per stream, e.g. `valgrind --tool=callgrind node bench/stream-chain-work.mjs 5000`.
// AMG_DIST=<dir>: another build's output (a copy of dist/ inside the checkout), to count before and after a change.
// `--alloc`: bytes allocated per stream instead.
const dist = new URL(`../${process.env.AMG_DIST ?? 'dist'}/`, import.meta.url);
const { openaiChatClientCodec } = await import(new URL('translate/openai-chat/codec.js', dist).href);
const { upstreamCodecFor } = await import(new URL('translate/codecs.js', dist).href);
const { EventStreamDecoder } = await import(new URL('upstream/eventstream-decoder.js', dist).href);
const { SseDecoder } = await import(new URL('upstream/sse-decoder.js', dist).href);
const { BEDROCK_STREAM, GEMINI_STREAM } = await import('./cloud-replies.mjs');
const { body } = await import('./scenarios.mjs');

const gemini = process.env.UPSTREAM === 'gemini';
const upstream = upstreamCodecFor(gemini ? 'gemini' : 'bedrock-converse');
const messages = gemini ? GEMINI_STREAM : BEDROCK_STREAM;
const head = messages[0];
const rest = Buffer.concat(messages.slice(1));
const model = gemini ? 'gemini-bench' : 'anthropic.claude-bench-v1:0';
const clientRequest = JSON.parse(body(gemini ? 'via-gemini' : 'via-bedrock', true));
const count = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5000);
const alloc = process.argv.includes('--alloc');
let length = 0;
let counter = 0;
const run = (n) => {
  for (let i = 0; i < n; i++) {
    const framing = gemini ? new SseDecoder() : new EventStreamDecoder();
    const decoder = upstream.streamDecoder(model);
    const encoder = openaiChatClientCodec.streamEncoder({
      clientRequest,
      createdAt: 1,
      newId: (prefix) => `${prefix}bench${(counter++).toString(36)}`,
    });
    const translate = (events) => {
      let text = '';
      for (const event of events) for (const ir of decoder.decode(event)) text += encoder.encode(ir);
      return text;
    };
    // One Buffer a read, as relayTranslatedStream hands the socket (the string's UTF-8 length and its copy).
    length += Buffer.from(translate(framing.push(head))).length;
    length += Buffer.from(translate(framing.push(rest))).length;
    for (const ir of [...framing.end(), ...decoder.end()]) length += encoder.encode(ir).length;
  }
};
run(5_000);
if (alloc) {
  // Heap growth over a window no young generation fills: start with --max-semi-space-size=512 --min-semi-space-size=512 --expose-gc.
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  run(count);
  process.stdout.write(`${((process.memoryUsage().heapUsed - before) / count).toFixed(0)} B a stream\n`);
} else {
  run(count);
}
process.stdout.write(`${length}\n`);
