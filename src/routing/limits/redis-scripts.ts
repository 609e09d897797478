/**
 * The Lua scripts of the Redis limit backend. Each runs atomically on the server, so N gateway processes
 * checking and charging the same counters can never both take the last slot.
 */

/**
 * KEYS: the buckets' counters. ARGV: per bucket kind, limit, amount, ttl_ms (0: no expiry).
 * Returns {denied (1-based bucket index, 0 when admitted), count of each bucket (after charging if admitted)}.
 * The rules match overLimit() in limit-buckets.ts.
 */
export const ADMIT_SCRIPT = `
local n = #KEYS
local result = {0}
for i = 1, n do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  result[i + 1] = used
  if result[1] == 0 then
    local kind = ARGV[(i - 1) * 4 + 1]
    local limit = tonumber(ARGV[(i - 1) * 4 + 2])
    local amount = tonumber(ARGV[(i - 1) * 4 + 3])
    local over
    if kind == 'tokens' then
      over = used >= limit or (used > 0 and used + amount > limit)
    elseif kind == 'budget' then
      over = used >= limit or used + amount > limit
    else
      over = used + amount > limit
    end
    if over then result[1] = i end
  end
end
if result[1] ~= 0 then return result end
for i = 1, n do
  result[i + 1] = redis.call('INCRBY', KEYS[i], ARGV[(i - 1) * 4 + 3])
  local ttl = tonumber(ARGV[(i - 1) * 4 + 4])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return result
`;

/**
 * KEYS: counters; ARGV: the delta of each. A counter that expired meanwhile (its window passed) stays gone
 * rather than coming back without an expiry; none goes below zero.
 */
export const SETTLE_SCRIPT = `
for i = 1, #KEYS do
  local delta = tonumber(ARGV[i])
  if delta ~= 0 and redis.call('EXISTS', KEYS[i]) == 1 then
    local value = redis.call('INCRBY', KEYS[i], delta)
    if value < 0 then
      local ttl = redis.call('PTTL', KEYS[i])
      if ttl > 0 then redis.call('SET', KEYS[i], 0, 'PX', ttl) else redis.call('SET', KEYS[i], 0) end
    end
  end
end
return 1
`;
