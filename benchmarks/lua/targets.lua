-- Requests read from a file, one per line: method, path, cookie, body (tab-separated).
-- Each wrk thread takes its own slice of the lines (every n-th), so no two threads send the same
-- request, and sends its slice in order, starting over ("wraps") only when it runs out.
-- Usage: wrk -s targets.lua URL -- FILE THREADS

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads = args[1], tonumber(args[2])
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
end

function request()
  index = index + 1
  if index > #prepared then
    index = 1
    wraps = wraps + 1
  end
  return prepared[index]
end

function done(summary, latency, _requests)
  local total_wraps = 0
  for _, thread in ipairs(threads) do
    total_wraps = total_wraps + (thread:get("wraps") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"mean_us": %.1f, "max_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "wraps": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.mean, latency.max, e.connect, e.read, e.write, e.status, e.timeout, total_wraps))
end
