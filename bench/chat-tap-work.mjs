// node bench/chat-tap-work.mjs <streams> (after npm run build): a passed-through Chat Completions stream as its tap
// (ChatStreamTap) watches it: 20 content chunks, the finish chunk, the usage chunk the gateway asked for (dropped)
// and [DONE], one event a push as they arrive from an upstream that flushes each. 5,000 streams to warm up, then
// `streams` more. Counted under callgrind at 0 and at N on the main thread, the difference is instructions per
// stream, e.g. `valgrind --tool=callgrind --separate-threads=yes node bench/chat-tap-work.mjs 5000` (the
// `.out-01` file's summary). AMG_DIST=<dir>: another build's output (a copy of dist/ inside the checkout), to
// count before and after a change.
const { ChatStreamTap } = await import(
  new URL(`../${process.env.AMG_DIST ?? 'dist'}/api/openai/chat-stream-tap.js`, import.meta.url).href
);

const chunk = (content, finish = null) =>
  `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":"${content}"},"logprobs":null,"finish_reason":${finish ? `"${finish}"` : 'null'}}],"usage":null}\n\n`;
const events = [];
for (let i = 0; i < 20; i++) events.push(Buffer.from(chunk(`tok${i} `)));
events.push(Buffer.from(chunk('', 'stop')));
events.push(
  Buffer.from(
    'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":20,"total_tokens":32}}\n\n',
  ),
);
events.push(Buffer.from('data: [DONE]\n\n'));

const count = Number(process.argv[2] ?? 5000);
let length = 0;
for (let i = 0; i < 5000 + count; i++) {
  const tap = new ChatStreamTap(true);
  for (const event of events) length += tap.push(event)?.length ?? 0;
  length += tap.end()?.length ?? 0;
}
process.stdout.write(`${length}\n`);
