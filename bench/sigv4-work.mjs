// node bench/sigv4-work.mjs <signatures> (after npm run build): the gateway's SigV4 authorizer signing the bench's
// Converse request (bench/scenarios.mjs's Bedrock provider: session token, a model id with ':'), 10,000 times to
// warm up, then `signatures` more. Counted under callgrind at 0 and at 20,000, the difference is instructions per
// signature, e.g. `valgrind --tool=callgrind node bench/sigv4-work.mjs 20000`; `node --trace-gc` and a count of
// its Scavenge lines gives young collections per signature. AMG_DIST=<dir>: another build's output (a copy of dist/
// inside the checkout, for its node_modules), to count before and after a change. --alloc: also prints the bytes a
// signature allocates (heap growth over the counted signatures), run with a young generation no signature fills,
// so no collection hides any: `node --max-semi-space-size=512 --min-semi-space-size=512 bench/sigv4-work.mjs
// 20000 --alloc`.
const { sigv4Authorizer } = await import(
  new URL(`../${process.env.AMG_DIST ?? 'dist'}/providers/auth/sigv4-authorizer.js`, import.meta.url).href
);

const count = Number(process.argv[2] ?? 20000);
const credentials = { accessKeyId: 'AKIABENCH', secretAccessKey: 'bench-secret', sessionToken: 'bench-session' };
const authorize = sigv4Authorizer(credentials, '127.0.0.1:4010', 'us-east-1', 'bedrock');
const headers = { 'content-type': 'application/json' };
const body = JSON.stringify({
  messages: [{ role: 'user', content: [{ text: 'Say something about foxes.' }] }],
  system: [{ text: 'You are terse.' }],
  inferenceConfig: { maxTokens: 4096, temperature: 0.2 },
});
const path = `/model/${encodeURIComponent('anthropic.claude-bench-v1:0')}/converse`;
let length = 0;
let heapBefore = 0;
for (let i = 0; i < 10_000 + count; i++) {
  if (i === 10_000) heapBefore = process.memoryUsage().heapUsed;
  const sent = await authorize({ method: 'POST', path, headers, body });
  length += sent.authorization?.length ?? 0;
}
process.stdout.write(`${length}\n`);
if (process.argv.includes('--alloc')) {
  const perSignature = (process.memoryUsage().heapUsed - heapBefore) / count;
  process.stdout.write(`${perSignature.toFixed(0)} bytes allocated a signature\n`);
}
