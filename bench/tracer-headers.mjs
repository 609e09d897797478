// node bench/tracer-headers.mjs [calls]: ns per copy of a provider's headers with a trace header added, made as
// the tracer made it (`{ ...headers }` then `copy.traceparent = …`, or `{ ...headers, traceparent }`) and as it
// makes it now (Object.assign). In V8 11.3 (Node 20) a property added to, or defined in, a spread copy goes
// through the runtime on every call. The headers are built as the gateway's snapshot builds a provider's.
const CALLS = Number(process.argv[2] ?? 1_000_000);
const providerHeaders = {
  ...{},
  ...{ authorization: 'Bearer sk-bench-0123456789abcdefghijklmnopqrstuvwxyz' },
  'content-type': 'application/json',
};
const traceparent = '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01';
const ways = {
  'spread, then add': (headers) => {
    const sent = { ...headers };
    sent.traceparent = traceparent;
    return sent;
  },
  'spread with the header in the literal': (headers) => ({ ...headers, traceparent }),
  'Object.assign, then add': (headers) => {
    const sent = Object.assign({}, headers);
    sent.traceparent = traceparent;
    return sent;
  },
};
let kept;
for (const [name, copy] of Object.entries(ways)) {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) kept = copy(providerHeaders);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / CALLS);
  }
  console.log(`${name}: ${best.toFixed(1)} ns per copy (best of 5 x ${CALLS})`);
}
if (kept.traceparent !== traceparent) throw new Error('copy lost the trace header');
