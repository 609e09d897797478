/**
 * The Lua script of the Redis limit backend. It runs atomically on the server, so N gateway processes checking
 * and charging the same counters can never both take the last slot.
 */

/**
 * Everything one gateway process has for Redis in one event-loop turn: the settlements queued, then the
 * admissions asked, applied in that order (a settlement frees room before the admissions after it look).
 *
 * KEYS: the settlements' counters, then each admission's buckets' counters, admission after admission.
 * ARGV: settlement count S, admission count N, S deltas, then per admission one string holding, per bucket,
 * "kind limit amount ttl_ms " (ttl 0: no expiry). One string per admission rather than four arguments per bucket
 * is what the gateway saves most CPU on: ioredis encodes every argument on its own.
 * Returns, per admission: denied (1-based bucket index, 0 when admitted), then each bucket's count (after
 * charging if admitted). Each admission checks all its buckets and charges them only when all have room; the
 * rules match overLimit() in limit-buckets.ts.
 *
 * A settled counter that expired meanwhile (its window passed) stays gone rather than coming back without an
 * expiry; none goes below zero.
 */
export const BATCH_SCRIPT = `
local s = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
for i = 1, s do
  local delta = tonumber(ARGV[2 + i])
  if delta ~= 0 and redis.call('EXISTS', KEYS[i]) == 1 then
    local value = redis.call('INCRBY', KEYS[i], delta)
    if value < 0 then
      local ttl = redis.call('PTTL', KEYS[i])
      if ttl > 0 then redis.call('SET', KEYS[i], 0, 'PX', ttl) else redis.call('SET', KEYS[i], 0) end
    end
  end
end
local out = {}
local key = s
local arg = 3 + s
for r = 1, n do
  local kinds, limits, amounts, ttls = {}, {}, {}, {}
  local count = 0
  for kind, limit, amount, ttl in string.gmatch(ARGV[arg], '(%a+) (%S+) (%S+) (%S+)') do
    count = count + 1
    kinds[count] = kind
    limits[count] = tonumber(limit)
    amounts[count] = tonumber(amount)
    ttls[count] = tonumber(ttl)
  end
  arg = arg + 1
  local base = #out + 1
  local denied = 0
  for i = 1, count do
    local used = tonumber(redis.call('GET', KEYS[key + i]) or '0')
    out[base + i] = used
    if denied == 0 then
      local kind, limit, amount = kinds[i], limits[i], amounts[i]
      local over
      if kind == 'tokens' then
        over = used >= limit or (used > 0 and used + amount > limit)
      elseif kind == 'budget' then
        over = used >= limit or used + amount > limit
      else
        over = used + amount > limit
      end
      if over then denied = i end
    end
  end
  if denied == 0 then
    for i = 1, count do
      out[base + i] = redis.call('INCRBY', KEYS[key + i], amounts[i])
      if ttls[i] > 0 then redis.call('PEXPIRE', KEYS[key + i], ttls[i]) end
    end
  end
  out[base] = denied
  key = key + count
end
return out
`;
