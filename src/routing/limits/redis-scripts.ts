/**
 * The Lua script of the Redis limit backend. It runs atomically on the server, so N gateway processes checking
 * and charging the same counters can never both take the last slot.
 */

/**
 * Everything one gateway process has for Redis since its last call: counter corrections (settlements, leases
 * given back), then admissions and lease requests, applied in that order (a correction frees room before the
 * admissions after it look).
 *
 * Requests of one client in one window share a plan (the same counters, see LimitPlans); the call lists each
 * plan once, and each correction or operation names its plan.
 * KEYS: the counters of every plan in the call, plan after plan.
 * ARGV[1]: the time of the call (epoch ms, the gateway's clock). ARGV[2]: the plan count P.
 * ARGV[3..P+2]: one string per plan with, per bucket, "kind limit expiry " where kind is r(equests),
 * t(okens), c(oncurrent) or b(udget) and expiry is the epoch ms the counter expires at (0: never), or for
 * concurrency its TTL in ms.
 * ARGV[P+3]: the corrections, "plan bucket delta " each (bucket: 1-based index in the plan): added to a
 * counter that still exists (one whose window passed stays gone); none goes below zero.
 * ARGV[P+4]: the operations, "op plan tokens micros share held " each. op `a` admits a request: token buckets
 * take `tokens`, budgets `micros`, request and concurrency buckets 1, and only when every bucket has room (the
 * rules of overLimit() in limit-buckets.ts). op `l` admits nothing. Either then sets each bucket's lease (of an
 * admitted request) to `share` times that amount, but at most 1/16 of the room the counter has apart from this
 * lease (so leases shrink to nothing near a limit and the last requests before it are decided here one by one,
 * see PlanLease): `held` lists, comma-separated, what the process's lease of each bucket holds (`-`: nothing),
 * and only the difference is leased, so concurrency slots and unused tokens that settlements put back into a
 * lease never pile up beyond one share. A lease above that is not cut here (the process may have used part of
 * it since it sent the call): the negative difference is returned, and the process gives back what it can.
 * An `l` also renews the expiry of every counter it names.
 * Strings the script splits, and each plan once, is what saves the gateway most CPU: ioredis encodes and
 * writes every argument on its own.
 * Returns, per operation: denied (1-based bucket index, 0 when admitted), each bucket's count after the
 * operation (leases included), then what each bucket leased (negative: what the process should give back).
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
for p, i, delta in string.gmatch(ARGV[plans + 3], '(%d+) (%d+) (%S+) ') do
  local key = planKeys[tonumber(p)][tonumber(i)]
  if redis.call('EXISTS', key) == 1 then
    local value = redis.call('INCRBY', key, tonumber(delta))
    if value < 0 then
      local ttl = redis.call('PTTL', key)
      if ttl > 0 then redis.call('SET', key, 0, 'PX', ttl) else redis.call('SET', key, 0) end
    end
  end
end
local out = {}
for op, p, tokens, micros, share, heldList in string.gmatch(ARGV[plans + 4], '(%a) (%d+) (%S+) (%S+) (%d+) (%S+) ') do
  p = tonumber(p)
  local keys, kinds, limits, ttls = planKeys[p], planKinds[p], planLimits[p], planTtls[p]
  tokens, micros, share = tonumber(tokens), tonumber(micros), tonumber(share)
  local held = {}
  if heldList ~= '-' then
    for value in string.gmatch(heldList, '[^,]+') do held[#held + 1] = tonumber(value) end
  end
  local n = #keys
  local at = #out + 1
  local used = {}
  local denied = 0
  for i = 1, n do
    used[i] = tonumber(redis.call('GET', keys[i]) or '0')
    if op == 'a' and denied == 0 then
      local kind, limit, value = kinds[i], limits[i], used[i]
      local take = amount(kind, tokens, micros, 1)
      local over
      if kind == 't' then
        over = value >= limit or (value > 0 and value + take > limit)
      elseif kind == 'b' then
        over = value >= limit or value + take > limit
      else
        over = value + take > limit
      end
      if over then denied = i end
    end
  end
  for i = 1, n do
    local grant = 0
    if denied == 0 then
      local kind = kinds[i]
      local each = amount(kind, tokens, micros, 1)
      local take = op == 'a' and each or 0
      if share > 0 then
        local mine = held[i] or 0
        local room = math.floor((limits[i] - used[i] + mine - take) / 16)
        if room < 0 then room = 0 end
        grant = math.min(each * share, room) - mine
      end
      local add = take
      if grant > 0 then add = add + grant end
      if op == 'a' or add > 0 then used[i] = redis.call('INCRBY', keys[i], add) end
      if (op == 'a' or share > 0) and ttls[i] > 0 then redis.call('PEXPIRE', keys[i], ttls[i]) end
    end
    out[at + i] = used[i]
    out[at + n + i] = grant
  end
  out[at] = denied
end
return out
`;
