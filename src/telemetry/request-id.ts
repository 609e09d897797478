import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

function encodeTime(ms: number): string {
  let out = '';
  let value = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

/**
 * Time-ordered request ids ("req_" + 10 chars of milliseconds + 16 random chars, Crockford base32), so that
 * sorting by id sorts by time and `before=<id>` pages cheaply. Random bytes come from a refilled pool to keep
 * the per-request cost to a few hundred nanoseconds.
 */
export function newRequestId(now = Date.now()): string {
  if (poolOffset + 16 > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let random = '';
  for (let i = 0; i < 16; i++) random += ALPHABET[(pool[poolOffset + i] as number) & 31];
  poolOffset += 16;
  return `req_${encodeTime(now)}${random}`;
}
