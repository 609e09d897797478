// node bench/metrics-work.mjs <non-stream|stream> <requests>: RequestMetrics.observe of the OpenAI passthrough
// bench's telemetry record (one attempt, input and output tokens, a cost; a stream also has its time to first
// token), 20,000 times to warm up, then `requests` more, for counting under callgrind. Run it at 0 and at 100,000
// and difference the two counts to get instructions per request, e.g.
// `valgrind --tool=callgrind node bench/metrics-work.mjs stream 100000`. Needs `npm run build` first.
import { benchMetrics } from './metrics-fixture.mjs';

const [mode = 'non-stream', count = '100000'] = process.argv.slice(2);
const { metrics, records } = await benchMetrics(mode === 'stream');
for (let i = 0; i < 20_000 + Number(count); i++) metrics.observe(records[i % 1024]);
