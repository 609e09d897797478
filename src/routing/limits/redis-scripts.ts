/**
 * The Lua script of the Redis limit backend. It runs atomically on the server, so N gateway processes checking
 * and charging the same counters can never both take the last slot.
 */

/**
 * Everything one gateway process has for Redis in one event-loop turn: the settlements queued, then the
 * admissions asked, applied in that order (a settlement frees room before the admissions after it look).
 *
 * Requests of one client in one window share a plan (the same counters, see LimitPlans); the call lists each
 * plan once, and each admission or settlement names its plan and its own two amounts.
 * KEYS: the counters of every plan in the call, plan after plan.
 * ARGV[1]: the time of the call (epoch ms, the gateway's clock). ARGV[2]: the plan count P.
 * ARGV[3..P+2]: one string per plan with, per bucket, "kind limit expiry " where kind is r(equests),
 * t(okens), c(oncurrent) or b(udget) and expiry is the epoch ms the counter expires at (0: never), or for
 * concurrency its TTL in ms.
 * ARGV[P+3]: the settlements, "plan dtokens dmicros " each: what each token bucket and budget of the plan
 * gains (real use minus the reservation); each concurrency slot is given back.
 * ARGV[P+4]: the admissions, "plan tokens micros " each: token buckets take `tokens`, budgets `micros`,
 * request and concurrency buckets 1.
 * Strings the script splits, and each plan once, is what saves the gateway most CPU: ioredis encodes and
 * writes every argument on its own.
 * Returns, per admission: denied (1-based bucket index, 0 when admitted), then each bucket's count (after
 * charging if admitted). Each admission checks all its buckets and charges them only when all have room; the
 * rules match overLimit() in limit-buckets.ts.
 *
 * A settled counter that expired meanwhile (its window passed) stays gone rather than coming back without an
 * expiry; none goes below zero.
 */
export const BATCH_SCRIPT = `
local now = tonumber(ARGV[1])
local plans = tonumber(ARGV[2])
local planKeys, planKinds, planLimits, planTtls = {}, {}, {}, {}
local base = 0
for p = 1, plans do
  local keys, kinds, limits, ttls = {}, {}, {}, {}
  local count = 0
  for kind, limit, expiry in string.gmatch(ARGV[2 + p], '(%a) (%S+) (%S+) ') do
    count = count + 1
    keys[count] = KEYS[base + count]
    kinds[count] = kind
    limits[count] = tonumber(limit)
    expiry = tonumber(expiry)
    if kind == 'c' then ttls[count] = expiry
    elseif expiry > 0 then ttls[count] = math.max(1, math.ceil(expiry - now))
    else ttls[count] = 0 end
  end
  base = base + count
  planKeys[p], planKinds[p], planLimits[p], planTtls[p] = keys, kinds, limits, ttls
end
local function amount(kind, tokens, micros, other)
  if kind == 't' then return tokens elseif kind == 'b' then return micros end
  return other
end
for p, dtokens, dmicros in string.gmatch(ARGV[plans + 3], '(%d+) (%S+) (%S+) ') do
  p = tonumber(p)
  local keys, kinds = planKeys[p], planKinds[p]
  dtokens, dmicros = tonumber(dtokens), tonumber(dmicros)
  for i = 1, #keys do
    local kind = kinds[i]
    local delta = amount(kind, dtokens, dmicros, kind == 'c' and -1 or 0)
    if delta ~= 0 and redis.call('EXISTS', keys[i]) == 1 then
      local value = redis.call('INCRBY', keys[i], delta)
      if value < 0 then
        local ttl = redis.call('PTTL', keys[i])
        if ttl > 0 then redis.call('SET', keys[i], 0, 'PX', ttl) else redis.call('SET', keys[i], 0) end
      end
    end
  end
end
local out = {}
for p, tokens, micros in string.gmatch(ARGV[plans + 4], '(%d+) (%S+) (%S+) ') do
  p = tonumber(p)
  local keys, kinds, limits, ttls = planKeys[p], planKinds[p], planLimits[p], planTtls[p]
  tokens, micros = tonumber(tokens), tonumber(micros)
  local at = #out + 1
  local denied = 0
  for i = 1, #keys do
    local used = tonumber(redis.call('GET', keys[i]) or '0')
    out[at + i] = used
    if denied == 0 then
      local kind, limit = kinds[i], limits[i]
      local take = amount(kind, tokens, micros, 1)
      local over
      if kind == 't' then
        over = used >= limit or (used > 0 and used + take > limit)
      elseif kind == 'b' then
        over = used >= limit or used + take > limit
      else
        over = used + take > limit
      end
      if over then denied = i end
    end
  end
  if denied == 0 then
    for i = 1, #keys do
      out[at + i] = redis.call('INCRBY', keys[i], amount(kinds[i], tokens, micros, 1))
      if ttls[i] > 0 then redis.call('PEXPIRE', keys[i], ttls[i]) end
    end
  end
  out[at] = denied
end
return out
`;
