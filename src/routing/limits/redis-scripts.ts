/**
 * The Lua script of the Redis limit backend. It runs atomically on the server, so N gateway processes checking
 * and charging the same counters can never both take the last slot.
 */

/**
 * Everything one gateway process has for Redis in one event-loop turn: the settlements queued, then the
 * admissions asked, applied in that order (a settlement frees room before the admissions after it look).
 *
 * KEYS: every counter the turn touches, each once (requests of one client share theirs).
 * ARGV[1]: the settlements, "key_index delta " each. ARGV[2]: the admission count N. ARGV[3..N+2]: one string per
 * admission holding, per bucket, "key_index kind limit amount ttl_ms " (ttl 0: no expiry). Strings the script
 * splits rather than five arguments per bucket, and each key once, is what saves the gateway most CPU: ioredis
 * encodes and writes every argument on its own.
 * Returns, per admission: denied (1-based bucket index, 0 when admitted), then each bucket's count (after
 * charging if admitted). Each admission checks all its buckets and charges them only when all have room; the
 * rules match overLimit() in limit-buckets.ts.
 *
 * A settled counter that expired meanwhile (its window passed) stays gone rather than coming back without an
 * expiry; none goes below zero.
 */
export const BATCH_SCRIPT = `
for index, delta in string.gmatch(ARGV[1], '(%d+) (%S+) ') do
  local key = KEYS[tonumber(index)]
  delta = tonumber(delta)
  if delta ~= 0 and redis.call('EXISTS', key) == 1 then
    local value = redis.call('INCRBY', key, delta)
    if value < 0 then
      local ttl = redis.call('PTTL', key)
      if ttl > 0 then redis.call('SET', key, 0, 'PX', ttl) else redis.call('SET', key, 0) end
    end
  end
end
local out = {}
for r = 1, tonumber(ARGV[2]) do
  local keys, kinds, limits, amounts, ttls = {}, {}, {}, {}, {}
  local count = 0
  for index, kind, limit, amount, ttl in string.gmatch(ARGV[2 + r], '(%d+) (%a+) (%S+) (%S+) (%S+) ') do
    count = count + 1
    keys[count] = KEYS[tonumber(index)]
    kinds[count] = kind
    limits[count] = tonumber(limit)
    amounts[count] = tonumber(amount)
    ttls[count] = tonumber(ttl)
  end
  local base = #out + 1
  local denied = 0
  for i = 1, count do
    local used = tonumber(redis.call('GET', keys[i]) or '0')
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
      out[base + i] = redis.call('INCRBY', keys[i], amounts[i])
      if ttls[i] > 0 then redis.call('PEXPIRE', keys[i], ttls[i]) end
    end
  end
  out[base] = denied
end
return out
`;
