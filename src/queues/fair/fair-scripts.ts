/**
 * The fair admission layer's Redis scripts. Each runs atomically, so every process (API
 * instances, workers) may call any of them at any time. Keys live under one base per
 * queue, `<QUEUE_PREFIX>:fair:<queue>` (ARGV[1]); the per-project and per-group keys are
 * built from it inside the scripts. The base is also the script's one declared key, and
 * all these keys share QUEUE_PREFIX's hash tag, so on Redis Cluster they are in one slot:
 *
 * - `:jobs`        hash  job id -> JSON {name, data, opts}: what to add once dispatched (kept until acked)
 * - `:meta`        hash  job id -> "<project>\n<group>": known to the layer, pending or in flight
 * - `:pending:<p>` zset  the project's jobs waiting, score = priority * 1e13 + arrival sequence
 * - `:held:<g>`    zset  a group's jobs beyond its limit (a suite's limit of runs at once)
 * - `:gcount`      hash  group -> its jobs pending or in flight; `:glimit` hash group -> limit
 * - `:ready`       zset  projects with pending jobs, score = when last served (least recent first)
 * - `:served`      hash  project -> sequence of its last dispatch
 * - `:seq`         counter for arrivals and dispatches
 * - `:inflight`    hash  job id -> project: dispatched, not yet ended for good
 * - `:running`     hash  project -> its jobs in flight
 * - `:dispatching` zset  job id -> ms: popped but not yet confirmed added to BullMQ
 * - `:slots`       hash  worker -> "<concurrency>:<expires ms>": the live workers' slots
 */

/** Shared Lua: the time, and a group's place given back (its best held job then moves to its project's pending). */
const COMMON = `
local P = ARGV[1]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function split(meta)
  local project, group = string.match(meta, '^(.-)\\n(.*)$')
  return project, group
end
local function mark_ready(project)
  if redis.call('ZCARD', P .. ':pending:' .. project) > 0 and not redis.call('ZSCORE', P .. ':ready', project) then
    redis.call('ZADD', P .. ':ready', tonumber(redis.call('HGET', P .. ':served', project) or '0'), project)
  end
end
local function group_done(group)
  if group == '' then return end
  local held = redis.call('ZPOPMIN', P .. ':held:' .. group)
  if #held > 0 then
    local project = split(redis.call('HGET', P .. ':meta', held[1]))
    redis.call('ZADD', P .. ':pending:' .. project, held[2], held[1])
    mark_ready(project)
    return
  end
  if redis.call('HINCRBY', P .. ':gcount', group, -1) <= 0 then
    redis.call('HDEL', P .. ':gcount', group)
    redis.call('HDEL', P .. ':glimit', group)
  end
end
`;

/**
 * ARGV: base, project, group ('' for none), group limit (0 = none), then per job: id,
 * priority, payload. A job the layer already knows (pending or in flight) is left as it
 * is: accepting twice is harmless, as adding twice to BullMQ is. Returns how many were new.
 */
const ACCEPT_FUNCTION = `
local function accept(project, group, glimit, from)
  if glimit <= 0 then group = '' end
  local added = 0
  for i = from, #ARGV, 3 do
    local id = ARGV[i]
    if redis.call('HEXISTS', P .. ':meta', id) == 0 then
      redis.call('HSET', P .. ':jobs', id, ARGV[i + 2])
      redis.call('HSET', P .. ':meta', id, project .. '\\n' .. group)
      local score = tonumber(ARGV[i + 1]) * 1e13 + redis.call('INCR', P .. ':seq')
      if group ~= '' and tonumber(redis.call('HGET', P .. ':gcount', group) or '0') >= glimit then
        redis.call('ZADD', P .. ':held:' .. group, score, id)
      else
        if group ~= '' then
          redis.call('HINCRBY', P .. ':gcount', group, 1)
          redis.call('HSET', P .. ':glimit', group, glimit)
        end
        redis.call('ZADD', P .. ':pending:' .. project, score, id)
      end
      added = added + 1
    end
  end
  mark_ready(project)
  return added
end
`;

export const ACCEPT = `${COMMON}${ACCEPT_FUNCTION}
return accept(ARGV[2], ARGV[3], tonumber(ARGV[4]), 5)`;

/**
 * ARGV: base, running-limits hash key ('' for none), cap on jobs in flight (0 = none),
 * most to dispatch. While the jobs in flight are fewer than the window (the live workers'
 * slots, within the cap), takes the next job of the least recently served project that is
 * under its running limit, records it in flight and dispatching, and returns id, payload
 * pairs for the caller to add to BullMQ (then ack).
 */
const DISPATCH_FUNCTION = `
local function dispatch(limits, cap, most)
  local now = now_ms()
  local window = 0
  local slots = redis.call('HGETALL', P .. ':slots')
  for i = 1, #slots, 2 do
    local n, expires = string.match(slots[i + 1], '^(%d+):(%d+)$')
    if n and tonumber(expires) > now then window = window + tonumber(n) else redis.call('HDEL', P .. ':slots', slots[i]) end
  end
  if cap > 0 and window > cap then window = cap end
  local inflight = redis.call('HLEN', P .. ':inflight')
  local out = {}
  while inflight < window and #out < most * 2 do
    local chosen
    for _, project in ipairs(redis.call('ZRANGE', P .. ':ready', 0, -1)) do
      local limit = limits ~= '' and redis.call('HGET', limits, project)
      if not limit or tonumber(redis.call('HGET', P .. ':running', project) or '0') < tonumber(limit) then
        chosen = project
        break
      end
    end
    if not chosen then break end
    local pending = P .. ':pending:' .. chosen
    local popped = redis.call('ZPOPMIN', pending)
    if #popped == 0 then
      redis.call('ZREM', P .. ':ready', chosen)
    else
      local id = popped[1]
      local seq = redis.call('INCR', P .. ':seq')
      redis.call('HSET', P .. ':served', chosen, seq)
      if redis.call('ZCARD', pending) > 0 then redis.call('ZADD', P .. ':ready', seq, chosen) else redis.call('ZREM', P .. ':ready', chosen) end
      redis.call('HSET', P .. ':inflight', id, chosen)
      redis.call('HINCRBY', P .. ':running', chosen, 1)
      redis.call('ZADD', P .. ':dispatching', now, id)
      inflight = inflight + 1
      out[#out + 1] = id
      out[#out + 1] = redis.call('HGET', P .. ':jobs', id) or ''
    end
  end
  return out
end
`;

export const DISPATCH = `${COMMON}${DISPATCH_FUNCTION}
return dispatch(ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]))`;

/**
 * ACCEPT then DISPATCH in one call (one round trip per request on the accept path).
 * ARGV: base, running-limits key, cap, most (as DISPATCH), then project, group, group
 * limit and the jobs (as ACCEPT from its ARGV[2]). Returns what DISPATCH returns.
 */
export const ACCEPT_DISPATCH = `${COMMON}${ACCEPT_FUNCTION}${DISPATCH_FUNCTION}
accept(ARGV[5], ARGV[6], tonumber(ARGV[7]), 8)
return dispatch(ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]))`;

/** ARGV: base, ids. The jobs are in BullMQ now: no longer dispatching, their payloads go. */
export const ACK = `
local P = ARGV[1]
for i = 2, #ARGV do
  redis.call('ZREM', P .. ':dispatching', ARGV[i])
  redis.call('HDEL', P .. ':jobs', ARGV[i])
end
return 1`;

/**
 * ARGV: base, ids. The jobs ended for good (or left BullMQ unstarted): their places in
 * flight, in their project's count and in their group go back. Only a job in flight is
 * released, so a second release of the same end does nothing. Returns how many were released.
 */
export const RELEASE = `${COMMON}
local released = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local project = redis.call('HGET', P .. ':inflight', id)
  if project then
    redis.call('HDEL', P .. ':inflight', id)
    if redis.call('HINCRBY', P .. ':running', project, -1) <= 0 then redis.call('HDEL', P .. ':running', project) end
    redis.call('ZREM', P .. ':dispatching', id)
    redis.call('HDEL', P .. ':jobs', id)
    local meta = redis.call('HGET', P .. ':meta', id)
    redis.call('HDEL', P .. ':meta', id)
    if meta then
      local _, group = split(meta)
      group_done(group)
    end
    released = released + 1
  end
end
return released`;

/**
 * ARGV: base, id. A cancel: a job still pending (or held) leaves the layer and 1 is
 * returned; 2 if it was dispatched already (BullMQ has it, or is about to); 0 if unknown.
 */
export const WITHDRAW = `${COMMON}
local id = ARGV[2]
local meta = redis.call('HGET', P .. ':meta', id)
if not meta then return 0 end
if redis.call('HEXISTS', P .. ':inflight', id) == 1 then return 2 end
local project, group = split(meta)
local pending = P .. ':pending:' .. project
local fromPending = redis.call('ZREM', pending, id)
if fromPending == 0 and group ~= '' then redis.call('ZREM', P .. ':held:' .. group, id) end
redis.call('HDEL', P .. ':meta', id)
redis.call('HDEL', P .. ':jobs', id)
if fromPending == 1 then
  if redis.call('ZCARD', pending) == 0 then redis.call('ZREM', P .. ':ready', project) end
  group_done(group)
end
return 1`;

/**
 * ARGV: base, age ms, most. Jobs dispatching for longer than `age` (the process that
 * popped them died before adding them): returned as id, payload pairs to add again, their
 * clock restarted so that two sweepers rarely add the same one (adding twice is harmless).
 */
export const SWEEP = `${COMMON}
local now = now_ms()
local stale = redis.call('ZRANGEBYSCORE', P .. ':dispatching', '-inf', now - tonumber(ARGV[2]), 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(stale) do
  redis.call('ZADD', P .. ':dispatching', now, id)
  local payload = redis.call('HGET', P .. ':jobs', id)
  if payload then
    out[#out + 1] = id
    out[#out + 1] = payload
  else
    redis.call('ZREM', P .. ':dispatching', id)
  end
end
return out`;

/** ARGV: base, worker, slots, ttl ms. A live worker's slots count in the window until the ttl lapses (0 slots: gone). */
export const SLOTS = `${COMMON}
if tonumber(ARGV[3]) <= 0 then return redis.call('HDEL', P .. ':slots', ARGV[2]) end
return redis.call('HSET', P .. ':slots', ARGV[2], ARGV[3] .. ':' .. (now_ms() + tonumber(ARGV[4])))`;
