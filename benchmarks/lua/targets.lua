-- Requests read from a file, one per line: method, path, cookie, body (tab-separated).
-- Each wrk thread takes its own slice of the lines (every n-th), so no two threads send the same
-- request, and sends its slice in order, starting over ("wraps") only when it runs out. With
-- "once", a thread stops when its whole slice has been answered instead (new answers: each must
-- be sent once); the few requests its connections still ask for meanwhile repeat its last line.
-- wrk still waits out its -d duration, so the run's time is then measured here: from the first
-- request sent to the last answer received.
-- Usage: wrk -s targets.lua URL -- FILE THREADS [once]

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } quizapp_timespec;
int clock_gettime(int clock_id, quizapp_timespec *tp);
]])
local CLOCK_MONOTONIC = 1

local function now_us()
  local t = ffi.new("quizapp_timespec")
  ffi.C.clock_gettime(CLOCK_MONOTONIC, t)
  return tonumber(t.tv_sec) * 1000000 + tonumber(t.tv_nsec) / 1000
end

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads = args[1], tonumber(args[2])
  once = args[3] == "once"
  prepared = {}
  local lines = {}
  for line in io.lines(file) do
    table.insert(lines, line)
  end
  for n, line in ipairs(lines) do
    -- fewer lines than threads: every thread sends them all
    if #lines < nthreads or (n - 1) % nthreads == id then
      local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {}
      if cookie ~= "" then headers["Cookie"] = cookie end
      if body ~= "" then
        headers["Content-Type"] = "application/x-www-form-urlencoded"
      else
        body = nil
      end
      table.insert(prepared, wrk.format(method, path, headers, body))
    end
  end
  index = 0
  wraps = 0
  answered = 0
  -- wrk calls the first thread's request() once more, before the run, to check what it builds:
  -- that call must not use up a line (the first answer would never be sent)
  checked = id ~= 0
  if once then
    response = count_answered
  end
end

function request()
  if not checked then
    checked = true
    return prepared[1]
  end
  if index == 0 and wraps == 0 then
    started_at = now_us()
  end
  index = index + 1
  if index > #prepared then
    if once then
      return prepared[#prepared]
    end
    index = 1
    wraps = wraps + 1
  end
  return prepared[index]
end

-- Defined in init, only with "once": wrk reads responses for the script only when it has this
-- function (after init), which costs it time on every other run.
function count_answered(_status, _headers, _body)
  answered = answered + 1
  if answered >= #prepared then
    finished_at = now_us()
    wrk.thread:stop()
  end
end

function done(summary, latency, _requests)
  local total_wraps = 0
  local first, last = nil, nil
  for _, thread in ipairs(threads) do
    total_wraps = total_wraps + (thread:get("wraps") or 0)
    local started, finished = thread:get("started_at"), thread:get("finished_at")
    if started and (first == nil or started < first) then first = started end
    if finished == nil then
      last = false  -- a thread ran to the end of the duration
    elseif last ~= false and (last == nil or finished > last) then
      last = finished
    end
  end
  local duration = summary.duration
  if first and last then  -- every thread stopped early ("once")
    duration = last - first
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"mean_us": %.1f, "max_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "wraps": %d}\n',
    summary.requests, duration, latency:percentile(50), latency:percentile(99),
    latency.mean, latency.max, e.connect, e.read, e.write, e.status, e.timeout, total_wraps))
end
