// node bench/codec-work.mjs <requests> (after npm run build): the non-stream codec chain of an OpenAI client on
// Bedrock (UPSTREAM=gemini: on Gemini), the bench's bodies: the client's JSON parsed, its IR, the Converse (or
// generateContent) body built and serialised; the canned answer (bench/cloud-replies.mjs) parsed, decoded and
// encoded as a chat.completion and serialised. 10,000 to warm up, then `requests` more. Counted under callgrind at
// 0 and at N, the difference (less V8's optimising compiler, as bench:instructions leaves it out) is instructions
// per request, e.g. `valgrind --tool=callgrind node bench/codec-work.mjs 10000`. AMG_DIST=<dir>: another build's
// output (a copy of dist/ inside the checkout), to count before and after a change.
const dist = new URL(`../${process.env.AMG_DIST ?? 'dist'}/`, import.meta.url);
const { openaiChatClientCodec } = await import(new URL('translate/openai-chat/codec.js', dist).href);
const { upstreamCodecFor } = await import(new URL('translate/codecs.js', dist).href);
const { HintReport } = await import(new URL('translate/shared/hint-report.js', dist).href);
const { upstreamRequestText } = await import(new URL('api/shared/upstream-request.js', dist).href);
const { BEDROCK_RESPONSE, GEMINI_RESPONSE } = await import('./cloud-replies.mjs');
const { body } = await import('./scenarios.mjs');

const gemini = process.env.UPSTREAM === 'gemini';
const upstream = upstreamCodecFor(gemini ? 'gemini' : 'bedrock-converse');
const answer = gemini ? GEMINI_RESPONSE : BEDROCK_RESPONSE;
const model = gemini ? 'gemini-bench' : 'anthropic.claude-bench-v1:0';
const clientBody = body(gemini ? 'via-gemini' : 'via-bedrock', false);
const options = { defaultMaxTokens: 4096, maxTokensField: 'max_tokens', streamUsage: false, toolCallIds: 'any' };
const target = { dialect: gemini ? 'gemini' : 'bedrock-converse', model, options, reshape: undefined };
const count = Number(process.argv[2] ?? 10000);
let length = 0;
let counter = 0;
for (let i = 0; i < 10_000 + count; i++) {
  const parsed = JSON.parse(clientBody);
  const ir = openaiChatClientCodec.parseRequest(parsed, new HintReport(false));
  // The upstream body as the route makes it (options, hints, tool names, serialised).
  length += upstreamRequestText(openaiChatClientCodec, parsed, ir, [], false, target).body.length;
  const response = upstream.decodeResponse(JSON.parse(answer.toString('utf8')), model);
  const context = {
    clientRequest: parsed,
    createdAt: 1,
    newId: (prefix) => `${prefix}bench${(counter++).toString(36)}`,
  };
  // As relayTranslatedJson writes it: the codec's own text where it has one (a build before it serialises the object).
  length += (
    openaiChatClientCodec.encodeResponseText
      ? openaiChatClientCodec.encodeResponseText(response, context)
      : JSON.stringify(openaiChatClientCodec.encodeResponse(response, context))
  ).length;
}
process.stdout.write(`${length}\n`);
