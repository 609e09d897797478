// node bench/eventstream-work.mjs <streams> (after npm run build): the bench's ConverseStream (bench/cloud-replies.mjs,
// 24 event-stream messages) through the gateway's EventStreamDecoder, one message a push as the fake upstream
// writes them, 5,000 streams to warm up, then `streams` more. Counted under callgrind at 0 and at 5,000, the
// difference is instructions per stream, e.g. `valgrind --tool=callgrind node bench/eventstream-work.mjs 5000`.
// AMG_DIST=<dir>: another build's output (a copy of dist/ inside the checkout), to count before and after a change.
import { BEDROCK_STREAM } from './cloud-replies.mjs';

const { EventStreamDecoder } = await import(
  new URL(`../${process.env.AMG_DIST ?? 'dist'}/upstream/eventstream-decoder.js`, import.meta.url).href
);

const count = Number(process.argv[2] ?? 5000);
let length = 0;
for (let i = 0; i < 5000 + count; i++) {
  const decoder = new EventStreamDecoder();
  for (const message of BEDROCK_STREAM) {
    for (const event of decoder.push(message)) length += event.data.length + (event.event?.length ?? 0);
  }
  decoder.end();
}
process.stdout.write(`${length}\n`);
