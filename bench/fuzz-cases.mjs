// Malformed inputs for npm run fuzz: each generator returns one case, { name, method, path, headers, body } for an
// HTTP request, or { name, raw } for bytes written straight to a socket. Seeded, so a run can be repeated.
import { gzipSync } from 'node:zlib';

export const TOKEN = 'bench-client-token-0123456789';
export const ADMIN_TOKEN = 'bench-admin-token';

/** mulberry32: a small seeded generator, so a failing case can be found again with --seed. */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (rand, items) => items[Math.floor(rand() * items.length)];
const int = (rand, max) => Math.floor(rand() * max);

const OPENAI = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const ANTHROPIC = { 'x-api-key': TOKEN, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
const MODELS = ['via-openai', 'via-anthropic', 'via-gemini', 'via-bedrock'];

/** The data-plane entry points and a valid body for each. */
export const ENTRY_POINTS = {
  '/v1/chat/completions': {
    headers: OPENAI,
    base: (model) => ({ model, messages: [{ role: 'user', content: 'hi' }] }),
  },
  '/v1/messages': {
    headers: ANTHROPIC,
    base: (model) => ({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
  },
  '/v1/messages/count_tokens': {
    headers: ANTHROPIC,
    base: (model) => ({ model, messages: [{ role: 'user', content: 'hi' }] }),
  },
  '/v1/responses': { headers: OPENAI, base: (model) => ({ model, input: 'hi' }) },
  '/v1/embeddings': { headers: OPENAI, base: (model) => ({ model: model.replace('via-', 'emb-'), input: 'hi' }) },
};

const WRONG_VALUES = [null, 0, -1, 1e308, true, '', 'x', [], {}, [[]], { a: null }, '\u0000', 'ſ', -0.0];

/** Sets a random path of the body (top level or one level down) to a value of the wrong type. */
function wrongType(rand, body) {
  const copy = structuredClone(body);
  const keys = Object.keys(copy);
  const key = pick(rand, [...keys, 'messages', 'input', 'stream', 'tools', 'max_tokens', 'temperature', 'n']);
  const value = pick(rand, WRONG_VALUES);
  if (rand() < 0.5 || typeof copy[key] !== 'object' || copy[key] === null) copy[key] = value;
  else if (Array.isArray(copy[key])) copy[key] = [value, ...copy[key]];
  else copy[key] = { ...copy[key], [pick(rand, ['role', 'content', 'type', 'text'])]: value };
  return JSON.stringify(copy);
}

function deep(rand) {
  const depth = pick(rand, [65, 100, 1_000, 10_000, 100_000]);
  const [open, close] = rand() < 0.5 ? ['[', ']'] : ['{"a":', '}'];
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
}

/** A body with a deeply nested value inside a field the gateway translates (tools, content, metadata). */
function deepBody(rand, body) {
  const json = JSON.stringify(body);
  const field = pick(rand, ['tools', 'metadata', 'response_format', 'input_schema', 'messages']);
  return `${json.slice(0, -1)},"${field}":${deep(rand)}}`;
}

function hugeString(rand, body) {
  const size = pick(rand, [16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024, 11 * 1024 * 1024]);
  const copy = structuredClone(body);
  const where = int(rand, 3);
  const text = pick(rand, ['a', 'é', '😀', ' ', '\\']).repeat(Math.ceil(size / 2));
  if (where === 0) copy.model = text.slice(0, size);
  else if (where === 1) copy.messages = [{ role: 'user', content: text }];
  else copy.input = text;
  return JSON.stringify(copy);
}

const CASE_VARIANTS = ['MODEL', 'Model', 'mOdel', 'STREAM', 'Stream', 'ſtream', 'Messages', 'INPUT', 'Max_Tokens'];

function caseVariant(rand, body) {
  const copy = structuredClone(body);
  copy[pick(rand, CASE_VARIANTS)] = pick(rand, ['gpt-4o', true, [], 'via-anthropic']);
  return JSON.stringify(copy);
}

/** Invalid UTF-8 and lone surrogates inside string values. */
function badUtf8(rand, body) {
  const json = Buffer.from(JSON.stringify(body));
  const at = json.indexOf('"hi"');
  const junk = pick(rand, [
    Buffer.from([0xff]),
    Buffer.from([0xc3, 0x28]),
    Buffer.from([0xed, 0xa0, 0x80]),
    Buffer.from([0xf4, 0x90, 0x80, 0x80]),
    Buffer.from('\\ud800'),
    Buffer.from('\\udfff\\ud800'),
    Buffer.from([0xef, 0xbb, 0xbf]),
  ]);
  if (at === -1) return Buffer.concat([junk, json]);
  return Buffer.concat([json.subarray(0, at + 1), junk, json.subarray(at + 1)]);
}

const INHERITED = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

function inherited(rand, body) {
  const name = pick(rand, INHERITED);
  const copy = structuredClone(body);
  const where = int(rand, 4);
  if (where === 0) copy.model = name;
  else if (where === 1) copy.messages = [{ role: name, content: [{ type: name, text: 'x' }] }];
  else if (where === 2) copy.input = [{ type: name, role: name }];
  else copy.tool_choice = { type: name };
  return `${JSON.stringify(copy).slice(0, -1)},"${name}":{"${name}":1}}`;
}

function randomBytes(rand) {
  const length = int(rand, 2_000) + 1;
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = int(rand, 256);
  return bytes;
}

/** A body case: the body and any header it changes. */
function bodyCase(rand, base) {
  const json = JSON.stringify(base);
  const kind = int(rand, 13);
  switch (kind) {
    case 0:
      return { name: 'truncated-json', body: json.slice(0, int(rand, json.length)) };
    case 1:
      return { name: 'deep-nesting', body: deepBody(rand, base) };
    case 2:
      return { name: 'huge-string', body: hugeString(rand, base) };
    case 3:
      return { name: 'wrong-type', body: wrongType(rand, base) };
    case 4:
      return { name: 'case-variant-key', body: caseVariant(rand, base) };
    case 5:
      return { name: 'invalid-utf8', body: badUtf8(rand, base) };
    case 6:
      return { name: 'inherited-key', body: inherited(rand, base) };
    case 7:
      return { name: 'random-bytes', body: randomBytes(rand) };
    case 8:
      return { name: 'not-an-object', body: pick(rand, ['', 'null', '[]', '1', '"x"', 'true', '{}', '{"model":}']) };
    case 9:
      return {
        name: 'odd-encoding',
        ...pick(rand, [
          { headers: { 'content-encoding': 'gzip' }, body: json },
          { headers: { 'content-encoding': 'br' }, body: randomBytes(rand) },
          { headers: { 'content-encoding': 'zstd' }, body: json },
          { headers: { 'content-encoding': 'gzip' }, body: gzipSync(deep(rand)) },
          { headers: { 'content-encoding': 'gzip, gzip' }, body: gzipSync(gzipSync(json)) },
          { headers: { 'content-type': 'application/json; charset=utf-16' }, body: Buffer.from(json, 'utf16le') },
          { headers: { 'content-type': 'text/plain' }, body: json },
          { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'model=x' },
        ]),
      };
    case 10:
      return { name: 'duplicate-keys', body: `{"model":"via-openai",${json.slice(1, -1)},"model":"x","model":7}` };
    case 11:
      return {
        name: 'bad-auth',
        headers: pick(rand, [
          { authorization: 'Bearer ' },
          { authorization: 'Basic eA==' },
          { authorization: `Bearer ${'a'.repeat(8000)}` },
          { 'x-api-key': 'wrong' },
        ]),
        body: json,
      };
    default:
      return {
        name: 'bad-values',
        body: JSON.stringify({
          ...base,
          max_tokens: pick(rand, [-1, 0, 1e20, 'a']),
          temperature: pick(rand, [-5, 'hot', null]),
          stream: pick(rand, ['yes', 1, null]),
        }),
      };
  }
}

/** Malformed HTTP written straight to a socket. */
function rawCase(rand, path, headers) {
  const auth = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const body = '{"model":"via-openai","messages":[{"role":"user","content":"hi"}]}';
  return pick(rand, [
    { name: 'raw-bad-request-line', raw: `POST ${path} HTTP/1.1 extra\r\nhost: x\r\n\r\n` },
    { name: 'raw-bad-version', raw: `POST ${path} HTTP/7.7\r\nhost: x\r\n\r\n` },
    { name: 'raw-header-overflow', raw: `POST ${path} HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(40_000)}\r\n\r\n` },
    { name: 'raw-bad-header-name', raw: `POST ${path} HTTP/1.1\r\nhost: x\r\nbad header: 1\r\n\r\n` },
    {
      name: 'raw-bad-chunk',
      raw: `POST ${path} HTTP/1.1\r\nhost: x\r\n${auth}transfer-encoding: chunked\r\n\r\nzz\r\n${body}\r\n0\r\n\r\n`,
    },
    {
      name: 'raw-chunk-too-short',
      raw: `POST ${path} HTTP/1.1\r\nhost: x\r\n${auth}transfer-encoding: chunked\r\n\r\n5\r\n${body}\r\n0\r\n\r\n`,
    },
    {
      name: 'raw-cl-and-te',
      raw: `POST ${path} HTTP/1.1\r\nhost: x\r\n${auth}content-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n`,
    },
    {
      name: 'raw-two-content-lengths',
      raw: `POST ${path} HTTP/1.1\r\nhost: x\r\n${auth}content-length: 5\r\ncontent-length: 6\r\n\r\nhello!`,
    },
    {
      name: 'raw-truncated-body',
      raw: `POST ${path} HTTP/1.1\r\nhost: x\r\n${auth}content-length: ${body.length + 50}\r\n\r\n${body}`,
      halfClose: true,
    },
    { name: 'raw-lf-only', raw: `GET ${path} HTTP/1.1\nhost: x\n\n` },
    { name: 'raw-nul-in-path', raw: `GET ${path}\u0000 HTTP/1.1\r\nhost: x\r\n\r\n` },
    { name: 'raw-garbage', raw: randomBytes(rand) },
  ]);
}

/** One malformed request for a data-plane entry point. */
export function dataPlaneCase(rand, path) {
  const entry = ENTRY_POINTS[path];
  if (rand() < 0.1) return rawCase(rand, path, entry.headers);
  const base = entry.base(pick(rand, MODELS));
  const made = bodyCase(rand, base);
  return { name: made.name, method: 'POST', path, headers: { ...entry.headers, ...made.headers }, body: made.body };
}

/** One malformed request for GET /v1/models (and /v1/models/{id}). */
export function modelsCase(rand) {
  if (rand() < 0.1) return rawCase(rand, '/v1/models', OPENAI);
  const variant = int(rand, 8);
  const headers = { authorization: `Bearer ${TOKEN}` };
  switch (variant) {
    case 0:
      return {
        name: 'bad-percent-path',
        method: 'GET',
        path: pick(rand, ['/v1/models/%', '/v1/models/%ff', '/v1/models/%00', '/v1/models/%E0%A4%A']),
        headers,
      };
    case 1:
      return { name: 'long-path', method: 'GET', path: `/v1/models/${'a'.repeat(int(rand, 15_000))}`, headers };
    case 2:
      return {
        name: 'odd-method',
        method: pick(rand, ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE']),
        path: '/v1/models',
        headers,
        body: '{}',
      };
    case 3:
      return {
        name: 'body-on-get',
        method: 'GET',
        path: '/v1/models',
        headers: { ...headers, 'content-type': 'application/json' },
        body: deep(rand),
      };
    case 4:
      return {
        name: 'query-junk',
        method: 'GET',
        path: `/v1/models?${pick(rand, ['a=%', '__proto__=1', 'x'.repeat(5000), 'limit=-1&limit=a'])}`,
        headers,
      };
    case 5:
      return {
        name: 'bad-auth',
        method: 'GET',
        path: '/v1/models',
        headers: pick(rand, [{}, { authorization: 'Bearer x' }, { authorization: `Bearer ${'z'.repeat(7000)}` }]),
      };
    case 6:
      return { name: 'inherited-id', method: 'GET', path: `/v1/models/${pick(rand, INHERITED)}`, headers };
    default:
      return {
        name: 'dot-segments',
        method: 'GET',
        path: pick(rand, ['/v1/models/../models', '/v1//models/', '/v1/models/./x', '/v1/models/%2e%2e']),
        headers,
      };
  }
}

/** A config that validates, so that its mutations probe the publish route past parsing. */
export function validConfig(upstream) {
  return `providers:
  - { name: oa, type: openai, base_url: ${upstream}, api_key: sk-bench, allow_private_network: true }
clients: [{ name: bench, token: ${TOKEN} }]
models:
  - { name: via-openai, targets: [{ provider: oa, model: m1 }] }
`;
}

/** One malformed request for POST /admin/api/config/publish; every one of them must be refused. */
export function publishCase(rand, upstream) {
  const path = '/admin/api/config/publish';
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  if (rand() < 0.1) return rawCase(rand, path, { authorization: `Bearer ${ADMIN_TOKEN}` });
  const good = validConfig(upstream);
  const yaml = pick(rand, [
    () => `${good.slice(0, int(rand, good.length - 10))}: [`,
    () => `a: &x [${'1,'.repeat(50)}1]\nb: [*x, *x, *x, *x, *x, *x, *x, *x, *x]\n`,
    () => `${good}extra: *missing\n`,
    () => `${good}deep: ${'['.repeat(int(rand, 5000) + 65)}${']'.repeat(10)}\n`,
    () => good.replace('name: via-openai', `name: ${'m'.repeat(int(rand, 900_000) + 1000)}`),
    () => good.replace('providers:', 'Providers:'),
    () => good.replace('type: openai', 'type: [openai]'),
    () => good.replace('api_key: sk-bench', 'api_key: sk-bench\n    api_key: again'),
    () => good.replace('name: via-openai', 'name: ${AMG_MASTER_KEY}'),
    () => good.replace('base_url: ', 'base_url: ${NO_SUCH_VARIABLE_FUZZ}'),
    () => `${good}routing: { health_checks: { interval_s: ${pick(rand, ['1e308', '1e-9', '-1', '"x"'])} } }\n`,
    () => good.replace('\n', '\n\t'),
    () => `\ufeff${good}models: 5\n`,
    () => good.replace('providers:', '__proto__:\n  polluted: true\nproviders: 7\n'),
  ])();
  const kind = int(rand, 6);
  if (kind === 0) return { name: 'publish-not-json', method: 'POST', path, headers, body: yaml };
  if (kind === 1)
    return {
      name: 'publish-wrong-type',
      method: 'POST',
      path,
      headers,
      body: JSON.stringify({ content: pick(rand, WRONG_VALUES), message: 7 }),
    };
  if (kind === 2)
    return {
      name: 'publish-invalid-utf8',
      method: 'POST',
      path,
      headers,
      body: Buffer.concat([Buffer.from('{"content":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    };
  if (kind === 3)
    return { name: 'publish-deep-json', method: 'POST', path, headers, body: `{"content":${deep(rand)}}` };
  return {
    name: 'publish-bad-yaml',
    method: 'POST',
    path,
    headers,
    body: JSON.stringify({ content: yaml, message: 'fuzz' }),
  };
}
